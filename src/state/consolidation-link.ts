/**
 * The Consolidation lab's link (versioned like every link, `v=1`, parsed strictly with zod):
 *
 *   #/consolidation?v=1&alg=ffd&ht=xeon-5100-5000p&d=reserved&mv=web.host-2~ftp.host-1&tco=pue.1.5~years.5&pol=lr-mmt-1.2&r=1&h=14
 *
 *   alg  placement: ffd | bfd | pabfd | kube-least | kube-most | kube-balanced
 *   ht   host type id (src/core/platform/model/hosts.ts)        d    demand packed: reserved (VM size) | peak (the day's peak)
 *   mv   VMs moved by hand after the algorithm: VM.HOST joined by ~ (each move is checked again on opening)
 *   tco  cost assumptions changed: KEY.value joined by ~ (keys: TCO_KEYS)
 *   pol  dynamic-consolidation policy (core names: dvfs, npa, thr-mmt-0.8, …)   r  1 = run the day on opening
 *   h    the hour shown in the hour-by-hour view (0 … 23)
 */
import { z } from 'zod';
import { t } from '../i18n/t.ts';
import type { MessageKey } from '../i18n/catalogue.ts';

export const CONSOLIDATION_LINK_VERSION = 1;

export const PLACEMENT_ALGORITHMS = ['ffd', 'bfd', 'pabfd', 'kube-least', 'kube-most', 'kube-balanced'] as const;
export type PlacementAlgorithm = (typeof PLACEMENT_ALGORITHMS)[number];
export const DEMAND_BASES = ['reserved', 'peak'] as const;
export type DemandBasis = (typeof DEMAND_BASES)[number];
/** The TCO assumptions a link may change (src/core/platform/placement/tco.ts DEFAULT_TCO_INPUTS). */
export const TCO_KEYS = ['serverPriceUsd', 'electricityUsdPerKWh', 'pue', 'rackUnitUsdPerYear', 'years'] as const;
export type TcoKey = (typeof TCO_KEYS)[number];

export interface ConsolidationLink {
  algorithm: PlacementAlgorithm;
  hostType: string;
  demand: DemandBasis;
  moves: { vm: string; host: string }[];
  tco: Partial<Record<TcoKey, number>>;
  policy: string;
  run: boolean;
  hour: number;
}

export const DEFAULT_CONSOLIDATION_LINK: ConsolidationLink = {
  algorithm: 'ffd',
  hostType: 'xeon-5100-5000p',
  demand: 'reserved',
  moves: [],
  tco: {},
  policy: 'lr-mmt-1.2',
  run: false,
  hour: 12,
};

/** User text quoted in a message, shortened (a `mv` of 2,000 characters must give a short message). */
const short = (text: string): string => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

const name = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,39}$/, { error: () => t('links.mustBeShortName') });

const moveList = z
  .string()
  .max(2000)
  .transform((s, ctx) => {
    const out: { vm: string; host: string }[] = [];
    if (s === '') return out;
    for (const part of s.split('~')) {
      const m = /^([a-z0-9][a-z0-9-]{0,39})\.([a-z0-9][a-z0-9-]{0,39})$/.exec(part);
      if (m === null) {
        ctx.addIssue({ code: 'custom', message: t('links.notMove', { part: t('links.quoted', { text: short(part) }) }) });
        return z.NEVER;
      }
      out.push({ vm: m[1]!, host: m[2]! });
    }
    return out;
  });

const tcoList = z
  .string()
  .max(400)
  .transform((s, ctx) => {
    const out: Partial<Record<TcoKey, number>> = {};
    if (s === '') return out;
    for (const part of s.split('~')) {
      const m = /^([A-Za-z]{1,30})\.(\d{1,9}(?:\.\d{1,6})?)$/.exec(part);
      if (m === null || !(TCO_KEYS as readonly string[]).includes(m[1]!)) {
        ctx.addIssue({ code: 'custom', message: t('links.notTcoPair', { part: t('links.quoted', { text: short(part) }), keys: TCO_KEYS.join(', ') }) });
        return z.NEVER;
      }
      out[m[1] as TcoKey] = Number(m[2]);
    }
    return out;
  });

const hourError = (): string => t('links.mustBeHour');

const consolidationQuery = z.object({
  v: z.literal(String(CONSOLIDATION_LINK_VERSION), { error: () => t('links.otherVersion', { version: CONSOLIDATION_LINK_VERSION }) }),
  alg: z.enum(PLACEMENT_ALGORITHMS, { error: () => t('links.mustBeOneOf', { values: PLACEMENT_ALGORITHMS.join(', ') }) }).optional(),
  ht: name.optional(),
  d: z.enum(DEMAND_BASES, { error: () => t('links.mustBeDemand') }).optional(),
  mv: moveList.optional(),
  tco: tcoList.optional(),
  pol: name.optional(),
  r: z.enum(['0', '1'], { error: () => t('links.mustBeFlag') }).optional(),
  h: z.string().regex(/^\d{1,2}$/, { error: hourError }).transform(Number).pipe(z.number().int().min(0, { error: hourError }).max(23, { error: hourError })).optional(),
});

const FIELDS: Record<string, MessageKey> = {
  v: 'links.field.version', alg: 'links.consolidation.algorithm', ht: 'links.consolidation.hostType', d: 'links.consolidation.demand', mv: 'links.consolidation.moves', tco: 'links.consolidation.tco',
  pol: 'links.consolidation.policy', r: 'links.field.run', h: 'links.consolidation.hour',
};

export type ConsolidationParse = { ok: true; value: ConsolidationLink } | { ok: false; message: string };

export function parseConsolidationQuery(query: string | undefined): ConsolidationParse {
  const d = DEFAULT_CONSOLIDATION_LINK;
  if (query === undefined || query === '') return { ok: true, value: { ...d, moves: [], tco: {} } };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { ok: false, message: t('links.damaged') };
  }
  const raw: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!Object.hasOwn(FIELDS, k)) return { ok: false, message: t('links.unknownField', { field: t('links.quoted', { text: short(k) }) }) };
    raw[k] = v;
  }
  const r = consolidationQuery.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = Object.hasOwn(FIELDS, String(issue.path[0])) ? FIELDS[String(issue.path[0])] : undefined;
    const field = key !== undefined ? t(key) : String(issue.path[0] ?? t('links.field.link'));
    const msg = issue.code === 'invalid_type' && issue.input === undefined ? t('links.isMissing') : issue.message;
    return { ok: false, message: t('links.broken', { field, problem: msg }) };
  }
  const q = r.data;
  return {
    ok: true,
    value: {
      algorithm: q.alg ?? d.algorithm,
      hostType: q.ht ?? d.hostType,
      demand: q.d ?? d.demand,
      moves: q.mv ?? [],
      tco: q.tco ?? {},
      policy: q.pol ?? d.policy,
      run: q.r === '1',
      hour: q.h ?? d.hour,
    },
  };
}

export function formatConsolidationLink(c: ConsolidationLink): string {
  const q = new URLSearchParams();
  q.set('v', String(CONSOLIDATION_LINK_VERSION));
  q.set('alg', c.algorithm);
  q.set('ht', c.hostType);
  q.set('d', c.demand);
  if (c.moves.length > 0) q.set('mv', c.moves.map((m) => `${m.vm}.${m.host}`).join('~'));
  const t = TCO_KEYS.filter((k) => c.tco[k] !== undefined).map((k) => `${k}.${c.tco[k]}`);
  if (t.length > 0) q.set('tco', t.join('~'));
  q.set('pol', c.policy);
  if (c.run) q.set('r', '1');
  q.set('h', String(c.hour));
  return `#/consolidation?${q.toString().replace(/%7E/g, '~')}`;
}
