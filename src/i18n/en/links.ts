/**
 * What VT Lab says about a link it cannot open (src/state/url.ts, platform-links.ts, consolidation-link.ts,
 * program-codec.ts, view-mode.ts). English source; keys are stable, text is what a translator changes.
 *
 * A broken link reads "This link is broken: {field} {problem}.", so a field name ("memory (mem)") and a problem
 * ("must be a whole number") are separate messages joined by `broken`. The query names in brackets (mem, bw, …)
 * and the values in quotes ('qemu', 'vrrp', …) are what the link holds: they stay as they are in a translation.
 */
export const links = {
  /** User text quoted in a message (the code shortens it to 40 characters first). */
  quoted: "'{text}'",

  // Whole-link problems
  damaged: 'This link is damaged (its query cannot be read).',
  unknownField: 'This link has a field VT Lab does not know: {field}.',
  broken: 'This link is broken: {field} {problem}.',
  notVtLab: 'This link is not a VT Lab link (expected #/lab?…).',
  noSuchLab: 'This link names a lab that does not exist: {lab}.',

  // What is wrong with one field (the {problem} of `broken`)
  isMissing: 'is missing',
  otherVersion: 'is from another version of VT Lab (this one reads v={version})',
  mustBeShortName: 'must be a short lowercase name',
  mustBeWholeNumber: 'must be a whole number',
  mustBeNumber: 'must be a number',
  mustBeAtLeast: 'must be at least {min}',
  mustBeAtMost: 'must be at most {max}',
  mustBeFlag: "must be '0' or '1'",
  mustBeOneOf: 'must be one of {values}',
  mustBeHour: 'must be an hour 0 … 23',
  mustBeMode: "must be 'bare', 'guest', 'swvmm', 'bt' or 'pv'",
  mustBeRule: "must be 'qemu', 'xen' or 'clark'",
  mustBePlace: "must be 'same' or 'separate'",
  mustBeDetection: "must be 'vrrp' or 'corosync'",
  mustBeClientMode: "must be 'vip' or 'srv'",
  mustBeKill: "must be 'vm', 'kernel' or 'host'",
  mustBeDemand: "must be 'reserved' or 'peak'",
  notNameValue: '{part} is not NAME.value',
  notIntervention: '{part} is not an intervention (seq.kill-vm.VM or seq.nmi)',
  vmmWrong: 'are wrong: {problem}',
  notProgram: 'is not an encoded program',
  notCostPair: '{part} is not KEY.cycles (keys: {keys}; at most 1000000 cycles)',
  notMove: '{part} is not VM.HOST',
  notTcoPair: '{part} is not KEY.value (keys: {keys})',

  // Field names (the {field} of `broken`): the words, then the query name the link uses
  'field.link': 'link',
  'field.version': 'version (v)',
  'field.run': 'run (r)',
  'field.cpu': 'CPU model (cpu)',
  'field.view': 'view (tab)',
  'scene.scenario': 'scenario (s)',
  'scene.seed': 'seed',
  'scene.insn': 'instruction events (insn)',
  'scene.platform': 'platform (m)',
  'scene.params': 'parameters (p)',
  'scene.position': 'position (t)',
  'scene.interventions': 'interventions (iv)',
  'scene.program': 'program (src)',
  'scene.vmm': 'VMM settings (vmm)',
  'scene.detail': 'detail level (d)',
  'techniques.workload': 'workload (w)',
  'techniques.costs': 'cost assumptions (c)',
  'migration.memory': 'memory (mem)',
  'migration.bandwidth': 'bandwidth (bw)',
  'migration.dirtyRate': 'dirty rate (d)',
  'migration.wws': 'writable working set (wws)',
  'migration.rule': 'stop rule (rule)',
  'migration.downtime': 'downtime limit (dt)',
  'migration.roundCap': 'round cap (rc)',
  'migration.autoConverge': 'auto-converge (ac)',
  'migration.postCopy': 'post-copy (pc)',
  'migration.streamTimeout': 'stream timeout (st)',
  'failover.placement': 'placement (place)',
  'failover.detection': 'detection (det)',
  'failover.advert': 'advert interval (adv)',
  'failover.priority': 'priority (pri)',
  'failover.token': 'token (tok)',
  'failover.replication': 'state replication (rep)',
  'failover.clientMode': 'client mode (cm)',
  'failover.kill': 'kill (k)',
  'consolidation.algorithm': 'placement algorithm (alg)',
  'consolidation.hostType': 'host type (ht)',
  'consolidation.demand': 'demand (d)',
  'consolidation.moves': 'moves (mv)',
  'consolidation.tco': 'cost assumptions (tco)',
  'consolidation.policy': 'policy (pol)',
  'consolidation.hour': 'hour (h)',

  // The user's own program in a link (program-codec.ts)
  'program.notInflatable': 'the program in this link is damaged (it cannot be decompressed)',
  'program.tooLong': 'the program in this link is too long (more than {max} characters)',
  'program.notUtf8': 'the program in this link is damaged (it is not UTF-8 text)',

  // The page's ?view= (view-mode.ts)
  'viewMode.unknown': "This page's view '{view}' is not one VT Lab has (presenter, audience, embed, embed-readonly); showing the full app.",
} as const;
