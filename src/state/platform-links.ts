/**
 * The links of the Migration and Fail-over labs (versioned like every link, `v=1`, parsed strictly with zod):
 *
 *   #/migration?v=1&mem=4096&bw=1000&d=100&wws=0&rule=qemu&dt=300&rc=0&ac=0&pc=0&st=5000&r=1
 *     mem  memory MiB              bw   link Mbit/s            d    dirty rate MiB/s
 *     wws  writable working set MiB (0 = writes over all memory) rule qemu | xen | clark
 *     dt   QEMU downtime limit ms  rc   round cap (0 = the rule's default)
 *     ac   auto-converge 0/1       pc   post-copy after this many rounds (0 = off)
 *     st   the video client's give-up timeout ms (a model assumption)     r  1 = run on opening
 *
 *   #/failover?v=1&place=separate&det=vrrp&adv=1&pri=100&tok=3000&rep=1&cm=vip&k=vm
 *     place same | separate hosts   det vrrp | corosync   adv advert interval s   pri backup priority 1..254
 *     tok  Corosync token ms        rep state replication 0/1   cm vip | srv (clients: virtual IP or DNS SRV)
 *     k    what was killed: vm | kernel | host (absent: nothing yet)
 */
import { z } from 'zod';
import { t } from '../i18n/t.ts';
import type { MessageKey } from '../i18n/catalogue.ts';

export const PLATFORM_LINK_VERSION = 1;

export type StopRule = 'qemu' | 'xen' | 'clark';

export interface MigrationLink {
  memoryMib: number;
  bandwidthMbit: number;
  dirtyMibPerS: number;
  /** 0 = no writable working set (writes sweep all memory: the analytical model's assumption). */
  wwsMib: number;
  rule: StopRule;
  downtimeMs: number;
  /** 0 = the rule's default cap. */
  roundCap: number;
  autoConverge: boolean;
  /** 0 = off. */
  postCopyAfter: number;
  /** MODEL ASSUMPTION: the video client's give-up timeout (not in the reference; editable). */
  streamTimeoutMs: number;
  run: boolean;
}

export type KillKind = 'vm' | 'kernel' | 'host';

export interface FailoverLink {
  sameHost: boolean;
  detection: 'vrrp' | 'corosync';
  advertS: number;
  priority: number;
  tokenMs: number;
  replication: boolean;
  clientMode: 'vip' | 'srv';
  kill: KillKind | null;
}

/** Defaults: a 4 GiB VM over 1 Gbit/s with QEMU's 300 ms downtime limit (usage-models.md §B2). */
export const DEFAULT_MIGRATION_LINK: MigrationLink = {
  memoryMib: 4096,
  bandwidthMbit: 1000,
  dirtyMibPerS: 20,
  wwsMib: 0,
  rule: 'qemu',
  downtimeMs: 300,
  roundCap: 0,
  autoConverge: false,
  postCopyAfter: 0,
  streamTimeoutMs: 5000,
  run: false,
};

/** Defaults: VRRPv3 advert 1 s, backup priority 100 (usage-models.md §C), Corosync token 3000 ms (§C). */
export const DEFAULT_FAILOVER_LINK: FailoverLink = {
  sameHost: false,
  detection: 'vrrp',
  advertS: 1,
  priority: 100,
  tokenMs: 3000,
  replication: true,
  clientMode: 'vip',
  kill: null,
};

const version = z.literal(String(PLATFORM_LINK_VERSION), { error: () => t('links.otherVersion', { version: PLATFORM_LINK_VERSION }) });
const num = (min: number, max: number, integer = true) =>
  z
    .string()
    .regex(integer ? /^\d{1,9}$/ : /^\d{1,9}(\.\d{1,6})?$/, { error: () => t(integer ? 'links.mustBeWholeNumber' : 'links.mustBeNumber') })
    .transform(Number)
    .pipe(z.number().min(min, { error: () => t('links.mustBeAtLeast', { min }) }).max(max, { error: () => t('links.mustBeAtMost', { max }) }));
const flag = z.enum(['0', '1'], { error: () => t('links.mustBeFlag') });

const migrationQuery = z.object({
  v: version,
  mem: num(1, 1 << 20).optional(),
  bw: num(0.001, 1e6, false).optional(),
  d: num(0, 1e6, false).optional(),
  wws: num(0, 1 << 20).optional(),
  rule: z.enum(['qemu', 'xen', 'clark'], { error: () => t('links.mustBeRule') }).optional(),
  dt: num(0, 1e6, false).optional(),
  rc: num(0, 100000).optional(),
  ac: flag.optional(),
  pc: num(0, 100000).optional(),
  st: num(1, 1e7).optional(),
  r: flag.optional(),
});

const MIGRATION_FIELDS: Record<string, MessageKey> = {
  v: 'links.field.version', mem: 'links.migration.memory', bw: 'links.migration.bandwidth', d: 'links.migration.dirtyRate', wws: 'links.migration.wws', rule: 'links.migration.rule',
  dt: 'links.migration.downtime', rc: 'links.migration.roundCap', ac: 'links.migration.autoConverge', pc: 'links.migration.postCopy', st: 'links.migration.streamTimeout', r: 'links.field.run',
};

const failoverQuery = z.object({
  v: version,
  place: z.enum(['same', 'separate'], { error: () => t('links.mustBePlace') }).optional(),
  det: z.enum(['vrrp', 'corosync'], { error: () => t('links.mustBeDetection') }).optional(),
  adv: num(0.01, 255, false).optional(),
  pri: num(1, 254).optional(),
  tok: num(1, 600000).optional(),
  rep: flag.optional(),
  cm: z.enum(['vip', 'srv'], { error: () => t('links.mustBeClientMode') }).optional(),
  k: z.enum(['vm', 'kernel', 'host'], { error: () => t('links.mustBeKill') }).optional(),
});

const FAILOVER_FIELDS: Record<string, MessageKey> = {
  v: 'links.field.version', place: 'links.failover.placement', det: 'links.failover.detection', adv: 'links.failover.advert', pri: 'links.failover.priority', tok: 'links.failover.token',
  rep: 'links.failover.replication', cm: 'links.failover.clientMode', k: 'links.failover.kill',
};

export type PlatformParse<T> = { ok: true; value: T } | { ok: false; message: string };

function readQuery<S extends z.ZodTypeAny>(query: string | undefined, schema: S, names: Record<string, MessageKey>): PlatformParse<z.infer<S> | null> {
  if (query === undefined || query === '') return { ok: true, value: null };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { ok: false, message: t('links.damaged') };
  }
  const raw: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!Object.hasOwn(names, k)) return { ok: false, message: t('links.unknownField', { field: t('links.quoted', { text: k.length > 40 ? `${k.slice(0, 37)}...` : k }) }) };
    raw[k] = v;
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = Object.hasOwn(names, String(issue.path[0])) ? names[String(issue.path[0])] : undefined;
    const field = name !== undefined ? t(name) : String(issue.path[0] ?? t('links.field.link'));
    const msg = issue.code === 'invalid_type' && issue.input === undefined ? t('links.isMissing') : issue.message;
    return { ok: false, message: t('links.broken', { field, problem: msg }) };
  }
  return { ok: true, value: r.data };
}

export function parseMigrationQuery(query: string | undefined): PlatformParse<MigrationLink> {
  const r = readQuery(query, migrationQuery, MIGRATION_FIELDS);
  if (!r.ok) return r;
  const q = r.value;
  const d = DEFAULT_MIGRATION_LINK;
  if (q === null) return { ok: true, value: { ...d } };
  return {
    ok: true,
    value: {
      memoryMib: q.mem ?? d.memoryMib,
      bandwidthMbit: q.bw ?? d.bandwidthMbit,
      dirtyMibPerS: q.d ?? d.dirtyMibPerS,
      wwsMib: q.wws ?? d.wwsMib,
      rule: q.rule ?? d.rule,
      downtimeMs: q.dt ?? d.downtimeMs,
      roundCap: q.rc ?? d.roundCap,
      autoConverge: q.ac === '1',
      postCopyAfter: q.pc ?? d.postCopyAfter,
      streamTimeoutMs: q.st ?? d.streamTimeoutMs,
      run: q.r === '1',
    },
  };
}

export function formatMigrationLink(m: MigrationLink): string {
  const q = new URLSearchParams();
  q.set('v', String(PLATFORM_LINK_VERSION));
  q.set('mem', String(m.memoryMib));
  q.set('bw', String(m.bandwidthMbit));
  q.set('d', String(m.dirtyMibPerS));
  q.set('wws', String(m.wwsMib));
  q.set('rule', m.rule);
  q.set('dt', String(m.downtimeMs));
  q.set('rc', String(m.roundCap));
  q.set('ac', m.autoConverge ? '1' : '0');
  q.set('pc', String(m.postCopyAfter));
  q.set('st', String(m.streamTimeoutMs));
  if (m.run) q.set('r', '1');
  return `#/migration?${q.toString()}`;
}

export function parseFailoverQuery(query: string | undefined): PlatformParse<FailoverLink> {
  const r = readQuery(query, failoverQuery, FAILOVER_FIELDS);
  if (!r.ok) return r;
  const q = r.value;
  const d = DEFAULT_FAILOVER_LINK;
  if (q === null) return { ok: true, value: { ...d } };
  return {
    ok: true,
    value: {
      sameHost: q.place === undefined ? d.sameHost : q.place === 'same',
      detection: q.det ?? d.detection,
      advertS: q.adv ?? d.advertS,
      priority: q.pri ?? d.priority,
      tokenMs: q.tok ?? d.tokenMs,
      replication: q.rep === undefined ? d.replication : q.rep === '1',
      clientMode: q.cm ?? d.clientMode,
      kill: q.k ?? null,
    },
  };
}

export function formatFailoverLink(f: FailoverLink): string {
  const q = new URLSearchParams();
  q.set('v', String(PLATFORM_LINK_VERSION));
  q.set('place', f.sameHost ? 'same' : 'separate');
  q.set('det', f.detection);
  q.set('adv', String(f.advertS));
  q.set('pri', String(f.priority));
  q.set('tok', String(f.tokenMs));
  q.set('rep', f.replication ? '1' : '0');
  q.set('cm', f.clientMode);
  if (f.kill !== null) q.set('k', f.kill);
  return `#/failover?${q.toString()}`;
}
