/**
 * Links: the current lab, scenario, its parameters, the interventions and the playback position, in the
 * URL's hash, self-contained (no server) and versioned (`v=1`):
 *
 *   #/rings?v=1&s=kernel&cpu=nehalem&seed=1&insn=0&p=TICKS_TO_RUN.20~USER_SLEEPS.3&t=120&iv=40.kill-vm.0
 *
 *   s     scenario id            cpu   CPU model id          seed  0 … 4294967295
 *   insn  0 = no instruction events (default 1) p  NAME.value pairs joined by ~
 *   m     platform: bare (native), guest (VT-x), swvmm (software VMM: trap-and-emulate), bt (binary
 *         translation) or pv (paravirtualization), overriding the program's header
 *   t     position (events shown) iv   interventions: seq.kind[.vm] joined by ~
 *   src   the user's own program: deflate-raw, base64url (program-codec.ts)
 *   vmm   the VT-x VMM's settings: KEY=VALUE assignments joined by ~, as the CLI's --vmm takes them
 *         (src/core/vmm/settings.ts), e.g. vmm=hltExiting=false~ioPassthroughPorts=0x3F8-0x3FF,0x80~raw.primary.set=0x4
 *   d     detail level: sales, classroom (default) or engineer     tab  the open tab: code (default), vmcs, exits…
 *
 * Parsing is strict (zod): a broken or tampered link gives a message naming what is wrong, and the app
 * falls back to the default lab instead of showing a blank page. Whether the scenario, CPU and parameter
 * values exist is checked by the engine when it loads the spec.
 */
import { z } from 'zod';
import { t } from '../i18n/t.ts';
import type { MessageKey } from '../i18n/catalogue.ts';
import type { Intervention, SessionSpec } from '../worker/protocol.ts';
import { DETAIL_LEVELS, LAB_IDS, DEFAULT_LAB, LAB_TABS, RINGS_TABS, isTabbedLab, type DetailLevel, type LabId, type RingsTab, type TabbedLabId } from './labs.ts';
import { vmmSettingsFromAssignments, vmmSettingsToAssignments, type VmmSettings } from '../core/vmm/settings-data.ts';
import { DEFAULT_CONSOLIDATION_LINK, formatConsolidationLink, parseConsolidationQuery, type ConsolidationLink } from './consolidation-link.ts';
import { DEFAULT_FAILOVER_LINK, DEFAULT_MIGRATION_LINK, formatFailoverLink, formatMigrationLink, parseFailoverQuery, parseMigrationQuery, type FailoverLink, type MigrationLink } from './platform-links.ts';

export const LINK_VERSION = 1;

/** User text quoted in a message, cut to 40 characters: a 100 kB key must not become a 100 kB banner (issue 9). */
function quoted(text: string): string {
  return t('links.quoted', { text: text.length > 40 ? `${text.slice(0, 37)}...` : text });
}

export interface LinkState {
  lab: LabId;
  spec: SessionSpec;
  /** The user's own program, deflated and base64url-encoded (see program-codec.ts); decoded before loading. */
  srcZ?: string;
  /** Position: events shown. */
  seq: number;
  interventions: { seq: number; action: Intervention }[];
  /** The Software vs hardware lab's state (lab 'techniques' only; its link carries nothing else). */
  techniques?: TechniquesLink;
  /** The Migration lab's parameters (lab 'migration' only; platform-links.ts). */
  migration?: MigrationLink;
  /** The Fail-over lab's set-up and what was killed (lab 'failover' only; platform-links.ts). */
  failover?: FailoverLink;
  /** The Consolidation lab's state (lab 'consolidation' only; consolidation-link.ts). */
  consolidation?: ConsolidationLink;
  /** The open view of a tabbed lab (Isolation, Security, I/O): `#/io?v=1&tab=dma`. */
  tab?: string;
  /** The Rings lab's view, when not the default: its detail level (`d`) and open tab (`tab`). */
  detail?: DetailLevel;
  ringsTab?: RingsTab;
}



/**
 * The Software vs hardware lab's link:  #/techniques?v=1&w=sensitive&cpu=nehalem&c=trap.4000~hypercall.889&r=1
 *
 *   w    workload (scenario id)      cpu  CPU model id
 *   c    cost overrides, KEY.cycles joined by ~ (keys: TECHNIQUE_COST_KEYS)
 *   r    1 = the comparison was run (a shared link runs it again on opening)
 */
export interface TechniquesLink {
  workload: string;
  cpu: string;
  costs: Partial<Record<TechniqueCostKey, number>>;
  run: boolean;
}

/** The cost assumptions a link may override (src/core/techniques/compare.ts COST_KEYS; url.test.ts checks they agree). */
export const TECHNIQUE_COST_KEYS = ['trap', 'callout', 'translate', 'indirect', 'hypercall'] as const;
export type TechniqueCostKey = (typeof TECHNIQUE_COST_KEYS)[number];
export const DEFAULT_TECHNIQUES_LINK: TechniquesLink = { workload: 'sensitive', cpu: 'nehalem', costs: {}, run: false };

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: () => t('links.mustBeShortName') });
const uint = (max: number) => z.string().regex(/^\d{1,13}$/, { error: () => t('links.mustBeWholeNumber') }).transform(Number).pipe(z.number().int().min(0).max(max));

const paramList = z
  .string()
  .max(2000)
  .transform((s, ctx) => {
    const out: Record<string, number> = {};
    if (s === '') return out;
    for (const part of s.split('~')) {
      const m = /^([A-Z][A-Z0-9_]{0,39})\.(-?\d{1,13})$/.exec(part);
      if (m === null) {
        ctx.addIssue({ code: 'custom', message: t('links.notNameValue', { part: quoted(part) }) });
        return z.NEVER;
      }
      out[m[1]] = Number(m[2]);
    }
    return out;
  });

const interventionList = z
  .string()
  .max(4000)
  .transform((s, ctx) => {
    const out: { seq: number; action: Intervention }[] = [];
    if (s === '') return out;
    for (const part of s.split('~')) {
      const m = /^(\d{1,13})\.(kill-vm|nmi)(?:\.(\d{1,3}))?$/.exec(part);
      if (m === null || (m[2] === 'kill-vm' && m[3] === undefined)) {
        ctx.addIssue({ code: 'custom', message: t('links.notIntervention', { part: quoted(part) }) });
        return z.NEVER;
      }
      const seq = Number(m[1]);
      out.push({ seq, action: m[2] === 'kill-vm' ? { kind: 'kill-vm', vm: Number(m[3]) } : { kind: 'nmi' } });
    }
    return out;
  });

/** VMM settings: KEY=VALUE joined by ~ (settings.ts `vmmSettingsFromAssignments` checks every value). */
const vmmSettings = z
  .string()
  .max(20_000)
  .transform((s, ctx): VmmSettings => {
    if (s === '') return {};
    const r = vmmSettingsFromAssignments(s.split('~'));
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: t('links.vmmWrong', { problem: r.errors[0].message }) });
      return z.NEVER;
    }
    return r.settings;
  });

/** The `vmm` text for settings (empty: the VMM's defaults, no parameter). */
export function formatVmmSettings(settings: VmmSettings): string {
  return vmmSettingsToAssignments(settings).join('~');
}

const query = z.object({
  v: z.literal(String(LINK_VERSION), { error: () => t('links.otherVersion', { version: LINK_VERSION }) }),
  s: id,
  cpu: id.optional(),
  seed: uint(0xffffffff).optional(),
  insn: z.enum(['0', '1']).optional(),
  m: z.enum(['bare', 'guest', 'swvmm', 'bt', 'pv'], { error: () => t('links.mustBeMode') }).optional(),
  p: paramList.optional(),
  t: uint(1e12).optional(),
  iv: interventionList.optional(),
  src: z.string().max(400_000).regex(/^[A-Za-z0-9_-]+$/, { error: () => t('links.notProgram') }).optional(),
  vmm: vmmSettings.optional(),
  d: z.enum(DETAIL_LEVELS, { error: () => t('links.mustBeOneOf', { values: DETAIL_LEVELS.join(', ') }) }).optional(),
  tab: z.enum(RINGS_TABS, { error: () => t('links.mustBeOneOf', { values: RINGS_TABS.join(', ') }) }).optional(),
});

const costList = z
  .string()
  .max(400)
  .transform((s, ctx) => {
    const out: Partial<Record<TechniqueCostKey, number>> = {};
    if (s === '') return out;
    for (const part of s.split('~')) {
      const m = /^([a-z]{1,20})\.(\d{1,7})$/.exec(part);
      if (m === null || !(TECHNIQUE_COST_KEYS as readonly string[]).includes(m[1]) || Number(m[2]) > 1_000_000) {
        ctx.addIssue({ code: 'custom', message: t('links.notCostPair', { part: quoted(part), keys: TECHNIQUE_COST_KEYS.join(', ') }) });
        return z.NEVER;
      }
      out[m[1] as TechniqueCostKey] = Number(m[2]);
    }
    return out;
  });

const techniquesQuery = z.object({
  v: z.literal(String(LINK_VERSION), { error: () => t('links.otherVersion', { version: LINK_VERSION }) }),
  // Optional like every other field (the lab's default workload), as `#/techniques` alone is.
  w: id.optional(),
  cpu: id.optional(),
  c: costList.optional(),
  r: z.enum(['0', '1']).optional(),
});

const TECHNIQUES_FIELD_NAMES: Record<string, MessageKey> = { v: 'links.field.version', w: 'links.techniques.workload', cpu: 'links.field.cpu', c: 'links.techniques.costs', r: 'links.field.run' };

function parseTechniquesQuery(query: string | undefined): ParsedLink {
  const base = { lab: 'techniques' as const, spec: defaultSpec(), seq: 0, interventions: [] };
  if (query === undefined || query === '') return { kind: 'ok', state: { ...base, techniques: { ...DEFAULT_TECHNIQUES_LINK, costs: {} } } };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { kind: 'error', message: t('links.damaged') };
  }
  const raw: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!Object.hasOwn(TECHNIQUES_FIELD_NAMES, k)) return { kind: 'error', message: t('links.unknownField', { field: quoted(k) }) };
    raw[k] = v;
  }
  const r = techniquesQuery.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = fieldName(TECHNIQUES_FIELD_NAMES, issue.path[0]);
    const msg = issue.code === 'invalid_type' && issue.input === undefined ? t('links.isMissing') : issue.message;
    return { kind: 'error', message: t('links.broken', { field, problem: msg }) };
  }
  const q = r.data;
  return { kind: 'ok', state: { ...base, techniques: { workload: q.w ?? DEFAULT_TECHNIQUES_LINK.workload, cpu: q.cpu ?? DEFAULT_TECHNIQUES_LINK.cpu, costs: q.c ?? {}, run: q.r === '1' } } };
}

function formatTechniques(t: TechniquesLink): string {
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  q.set('w', t.workload);
  q.set('cpu', t.cpu);
  const c = TECHNIQUE_COST_KEYS.filter((k) => t.costs[k] !== undefined).map((k) => `${k}.${t.costs[k]}`);
  if (c.length > 0) q.set('c', c.join('~'));
  if (t.run) q.set('r', '1');
  return `#/techniques?${q.toString().replace(/%7E/g, '~')}`;
}

const FIELD_NAMES: Record<string, MessageKey> = {
  v: 'links.field.version', s: 'links.scene.scenario', cpu: 'links.field.cpu', seed: 'links.scene.seed', insn: 'links.scene.insn', m: 'links.scene.platform',
  p: 'links.scene.params', t: 'links.scene.position', iv: 'links.scene.interventions', src: 'links.scene.program', vmm: 'links.scene.vmm',
  d: 'links.scene.detail', tab: 'links.field.view',
};

/** A field's name in a message ("CPU model (cpu)"), looked up when the message is made (so in the language then in use). */
function fieldName(names: Record<string, MessageKey>, key: PropertyKey | undefined): string {
  const name = Object.hasOwn(names, String(key)) ? names[String(key)] : undefined;
  return name !== undefined ? t(name) : String(key ?? t('links.field.link'));
}

export type ParsedLink = { kind: 'empty' } | { kind: 'ok'; state: LinkState } | { kind: 'error'; message: string };

/** Reads a location hash ("#/rings?…"). */
export function parseLink(hash: string): ParsedLink {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '' || h === '/') return { kind: 'empty' };
  const m = /^\/([a-z-]+)(?:\?(.*))?$/.exec(h);
  if (m === null) return { kind: 'error', message: t('links.notVtLab') };
  const lab = m[1] as LabId;
  if (!(LAB_IDS as readonly string[]).includes(lab)) return { kind: 'error', message: t('links.noSuchLab', { lab: quoted(m[1]) }) };
  if (lab === 'techniques') return parseTechniquesQuery(m[2]);
  if (lab === 'consolidation') {
    const r = parseConsolidationQuery(m[2]);
    return r.ok ? { kind: 'ok', state: { lab, spec: defaultSpec(), seq: 0, interventions: [], consolidation: r.value } } : { kind: 'error', message: r.message };
  }
  if (isTabbedLab(lab)) return parseTabbedQuery(lab, m[2]);
  if (lab === 'migration' || lab === 'failover') {
    const base = { lab, spec: defaultSpec(), seq: 0, interventions: [] };
    if (lab === 'migration') {
      const r = parseMigrationQuery(m[2]);
      return r.ok ? { kind: 'ok', state: { ...base, migration: r.value } } : { kind: 'error', message: r.message };
    }
    const r = parseFailoverQuery(m[2]);
    return r.ok ? { kind: 'ok', state: { ...base, failover: r.value } } : { kind: 'error', message: r.message };
  }
  if (m[2] === undefined || m[2] === '') {
    return { kind: 'ok', state: { lab, spec: defaultSpec(), seq: 0, interventions: [] } };
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(m[2]);
  } catch {
    return { kind: 'error', message: t('links.damaged') };
  }
  const raw: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!Object.hasOwn(FIELD_NAMES, k)) return { kind: 'error', message: t('links.unknownField', { field: quoted(k) }) };
    raw[k] = v;
  }
  const r = query.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = fieldName(FIELD_NAMES, issue.path[0]);
    const msg = issue.code === 'invalid_type' && issue.input === undefined ? t('links.isMissing') : issue.message;
    return { kind: 'error', message: t('links.broken', { field, problem: msg }) };
  }
  const q = r.data;
  const spec: SessionSpec = { scenario: q.s, seed: q.seed ?? 1, insnEvents: q.insn !== '0' };
  if (q.cpu !== undefined) spec.cpu = q.cpu;
  if (q.m !== undefined) spec.mode = q.m as SessionSpec['mode'];
  if (q.p !== undefined && Object.keys(q.p).length > 0) spec.params = q.p;
  if (q.vmm !== undefined && Object.keys(q.vmm).length > 0) spec.settings = q.vmm;
  const state: LinkState = { lab, spec, seq: q.t ?? 0, interventions: q.iv ?? [] };
  if (q.src !== undefined) state.srcZ = q.src;
  if (q.d !== undefined) state.detail = q.d;
  if (q.tab !== undefined) state.ringsTab = q.tab;
  return { kind: 'ok', state };
}

/** `#/isolation?v=1&tab=faults`: the version and which view is open; nothing else is accepted. */
function parseTabbedQuery(lab: TabbedLabId, query: string | undefined): ParsedLink {
  const base = { lab, spec: defaultSpec(), seq: 0, interventions: [] };
  const tabs: readonly string[] = LAB_TABS[lab].map((t) => t.id);
  if (query === undefined || query === '') return { kind: 'ok', state: { ...base, tab: tabs[0] } };
  const params = new URLSearchParams(query);
  for (const k of params.keys()) if (k !== 'v' && k !== 'tab') return { kind: 'error', message: t('links.unknownField', { field: quoted(k) }) };
  const v = params.get('v');
  if (v !== String(LINK_VERSION)) return { kind: 'error', message: t('links.broken', { field: t('links.field.version'), problem: v === null ? t('links.isMissing') : t('links.otherVersion', { version: LINK_VERSION }) }) };
  const tab = params.get('tab') ?? tabs[0];
  if (!tabs.includes(tab)) return { kind: 'error', message: t('links.broken', { field: t('links.field.view'), problem: t('links.mustBeOneOf', { values: tabs.join(', ') }) }) };
  return { kind: 'ok', state: { ...base, tab } };
}

function defaultSpec(): SessionSpec {
  return { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true };
}

/** The hash for a state (parameters in a stable order, so equal states give equal links). */
export function formatLink(s: LinkState): string {
  if (s.lab === 'techniques') return formatTechniques(s.techniques ?? DEFAULT_TECHNIQUES_LINK);
  if (s.lab === 'consolidation') return formatConsolidationLink(s.consolidation ?? DEFAULT_CONSOLIDATION_LINK);
  if (s.lab === 'migration') return formatMigrationLink(s.migration ?? DEFAULT_MIGRATION_LINK);
  if (s.lab === 'failover') return formatFailoverLink(s.failover ?? DEFAULT_FAILOVER_LINK);
  if (isTabbedLab(s.lab)) return `#/${s.lab}?v=${LINK_VERSION}&tab=${s.tab ?? LAB_TABS[s.lab][0].id}`;
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  q.set('s', s.spec.scenario);
  if (s.spec.cpu !== undefined) q.set('cpu', s.spec.cpu);
  q.set('seed', String(s.spec.seed));
  q.set('insn', s.spec.insnEvents ? '1' : '0');
  if (s.spec.mode !== undefined) q.set('m', s.spec.mode);
  const p = Object.entries(s.spec.params ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (p.length > 0) q.set('p', p.map(([k, v]) => `${k}.${v}`).join('~'));
  q.set('t', String(Math.max(0, Math.floor(s.seq))));
  if (s.interventions.length > 0) {
    q.set('iv', s.interventions.map((i) => (i.action.kind === 'kill-vm' ? `${i.seq}.kill-vm.${i.action.vm}` : `${i.seq}.nmi`)).join('~'));
  }
  if (s.srcZ !== undefined) q.set('src', s.srcZ);
  const vmm = s.spec.settings !== undefined ? formatVmmSettings(s.spec.settings) : '';
  if (vmm !== '') q.set('vmm', vmm);
  if (s.detail !== undefined && s.detail !== 'classroom') q.set('d', s.detail);
  if (s.ringsTab !== undefined && s.ringsTab !== 'code') q.set('tab', s.ringsTab);
  // URLSearchParams encodes '~', '=' and ',' (%7E, %3D, %2C); all three are plain in a query value (RFC 3986
  // §3.4), so keep links readable. Only `vmm` holds '=' or ','; parsing splits a pair at its first '='.
  return `#/${s.lab}?${q.toString().replace(/%7E/g, '~').replace(/%3D/g, '=').replace(/%2C/g, ',')}`;
}

export const DEFAULT_LINK_LAB = DEFAULT_LAB;
