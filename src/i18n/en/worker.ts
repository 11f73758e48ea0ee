/**
 * What the simulator worker says back (src/worker/*): why a lab's parameters were refused, the names of the
 * simulated clients, the labels of the DMA-remapping actions. English source; keys are stable, text is what a
 * translator changes. Messages that come from src/core (assembler errors, exit names) stay in the core.
 */
export const worker = {
  unknownCpu: "unknown CPU model '{cpu}'",

  // engine.ts: the first record of an exported trace whose start was dropped from the ring buffer
  'engine.eventsDropped': 'the first {n} events are no longer held',

  // platform.ts: the Migration lab's parameters, the clients it moves, the VMX-core mode
  'migration.memory': 'memory must be 1 … {max} MiB',
  'migration.bandwidth': 'bandwidth must be above 0',
  'migration.dirtyRate': 'dirty rate must be 0 or more',
  'migration.wws': 'the writable working set must be 0 … memory',
  'migration.downtime': 'downtime limit must be 0 or more',
  'migration.roundCap': 'round cap must be a whole number',
  'migration.postCopy': 'post-copy round must be a whole number',
  'migration.sipCall': 'SIP call',
  'migration.videoStream': 'Video stream',
  'vmxMigration.bandwidth': 'bandwidth must be above 0 and at most 100,000 Mbit/s',
  'vmxMigration.roundCap': 'round cap must be a whole number 0 … 200',

  // platform.ts: the Fail-over lab's parameters
  'failover.advert': 'advert interval must be above 0 and at most 255 s',
  'failover.priority': 'priority must be 1 … 254',
  'failover.token': 'token must be above 0 ms',

  // consolidation.ts: the PlanetLab day replay
  'consolidation.indexNotJson': 'the day index is not JSON',
  'consolidation.indexShape': 'the day index has no day or no list of file names',
  'consolidation.badDay': "day '{day}' is not YYYYMMDD",
  'consolidation.dayUnreadable': 'the PlanetLab day could not be read: {reason}',
  'consolidation.superseded': 'superseded by a newer run',

  // techniques.ts
  'techniques.superseded': 'superseded by a newer comparison',

  // security.ts: the access-control form and the attack-surface views
  'security.enterUser': 'enter a user name',
  'security.enterPassword': 'enter the password',
  'security.unknownAction': 'unknown VM or action',
  'security.seconds': 'seconds from 0 to 86400',
  'security.unknownEscape': "unknown escape attempt '{id}'",

  // vtd.ts: the DMA-remapping view (fields, then the label of the last action)
  'vtd.noDemo': "no demo '{id}'",
  'vtd.nfr': 'fault recording registers: a whole number 1 … 256',
  'vtd.requester': 'write the requester as bus:device.function in hex, e.g. 03:00.0',
  'vtd.address': 'an address in hex (0x12_3400) or decimal, at most 2^53 − 1',
  'vtd.floodCount': 'a whole number of writes, 1 … 64',
  'vtd.writeBy': 'Write by {device} at 0x{address}',
  'vtd.readBy': 'Read by {device} at 0x{address}',
  'vtd.flood': 'Buggy NIC: {n} stray writes into VM2’s memory',
} as const;
