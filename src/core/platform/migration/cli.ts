/**
 * `lab migrate`: argument parsing and output, pure (src/cli/lab.ts does the I/O).
 *
 *   migrate --memory-mib M --bandwidth-mbit R --dirty-mbyte-per-s D [--wws-mib W] --rule qemu|xen|clark
 *           [--downtime-ms T] [--max-rounds N] [--auto-converge] [--post-copy-after N] [--resume-ms T]
 *           [--seed S] [--json]
 *
 * Units as in usage-models.md §B4: MiB = 2^20 bytes, Mbit/s = 2^20 bits/s, D in MiB/s.
 */
import { simulateMigration, type MigrationResult } from './engine.ts';
import type { MigrationParams, StopRuleName } from './params.ts';
import { MIB, mbitToBytesPerSecond } from './units.ts';

export const MIGRATE_USAGE =
  'usage: npm run -s lab -- migrate --memory-mib M --bandwidth-mbit R --dirty-mbyte-per-s D [--wws-mib W]\n' + // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  '         --rule qemu|xen|clark [--downtime-ms T] [--max-rounds N] [--auto-converge] [--post-copy-after N]\n' + // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  '         [--resume-ms T] [--seed S] [--json]\n' + // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  '  units: MiB = 2^20 bytes, Mbit/s = 2^20 bit/s, dirty rate in MiB/s (usage-models.md B4)\n'; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design

/** Largest memory accepted: 1 TiB (2^28 pages, a 32 MiB bitmap) - a guard, not a modelled limit. */
const MAX_MEMORY_MIB = 1 << 20;

export type MigrateArgs = { ok: true; params: MigrationParams; json: boolean } | { ok: false; message: string };

const VALUE_FLAGS = ['--memory-mib', '--bandwidth-mbit', '--dirty-mbyte-per-s', '--wws-mib', '--rule', '--downtime-ms', '--max-rounds', '--post-copy-after', '--resume-ms', '--seed'] as const;

export function parseMigrateArgs(argv: readonly string[]): MigrateArgs {
  const v = new Map<string, string>();
  let json = false;
  let autoConverge = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--json') json = true;
    else if (a === '--auto-converge') autoConverge = true;
    else if ((VALUE_FLAGS as readonly string[]).includes(a)) {
      const val = argv[k + 1];
      if (val === undefined || val.startsWith('--')) return { ok: false, message: `${a} needs a value` }; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
      if (v.has(a)) return { ok: false, message: `${a} given twice` }; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
      v.set(a, val);
      k++;
    } else return { ok: false, message: `unknown argument '${a}'` }; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  }
  const num = (flag: string, opts: { min: number; minExclusive?: boolean; integer?: boolean; max?: number }): number | string | undefined => {
    const s = v.get(flag);
    if (s === undefined) return undefined;
    const x = Number(s);
    if (s.trim() === '' || !Number.isFinite(x)) return `${flag}: '${s}' is not a number`; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
    if (opts.integer && !Number.isInteger(x)) return `${flag}: '${s}' must be a whole number`; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
    if (opts.minExclusive ? x <= opts.min : x < opts.min) return `${flag}: must be ${opts.minExclusive ? 'greater than' : 'at least'} ${opts.min}`; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
    if (opts.max !== undefined && x > opts.max) return `${flag}: must be at most ${opts.max}`; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
    return x;
  };
  for (const req of ['--memory-mib', '--bandwidth-mbit', '--dirty-mbyte-per-s', '--rule']) {
    if (!v.has(req)) return { ok: false, message: `missing ${req}` };
  }
  const rule = v.get('--rule') as string;
  if (rule !== 'qemu' && rule !== 'xen' && rule !== 'clark') return { ok: false, message: `--rule: '${rule}' is not one of qemu, xen, clark` }; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  const memory = num('--memory-mib', { min: 0, minExclusive: true, integer: true, max: MAX_MEMORY_MIB });
  const bw = num('--bandwidth-mbit', { min: 0, minExclusive: true });
  const dirtyRate = num('--dirty-mbyte-per-s', { min: 0 });
  const wws = num('--wws-mib', { min: 0, minExclusive: true });
  const downtime = num('--downtime-ms', { min: 0 });
  const maxRounds = num('--max-rounds', { min: 1, integer: true, max: 100000 });
  const postCopy = num('--post-copy-after', { min: 1, integer: true });
  const resume = num('--resume-ms', { min: 0 });
  const seed = num('--seed', { min: 0, integer: true, max: 0xffffffff });
  for (const x of [memory, bw, dirtyRate, wws, downtime, maxRounds, postCopy, resume, seed]) if (typeof x === 'string') return { ok: false, message: x };
  if (downtime !== undefined && rule !== 'qemu') return { ok: false, message: '--downtime-ms applies to --rule qemu only' }; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  const memoryBytes = (memory as number) * MIB;
  if (wws !== undefined && (wws as number) * MIB > memoryBytes) return { ok: false, message: '--wws-mib must not exceed --memory-mib' }; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  const D = (dirtyRate as number) * MIB;
  const params: MigrationParams = {
    memoryBytes,
    bandwidthBytesPerSecond: mbitToBytesPerSecond(bw as number),
    dirty: wws === undefined ? { kind: 'uniform', bytesPerSecond: D } : { kind: 'wws', bytesPerSecond: D, wwsBytes: (wws as number) * MIB },
    rule: rule as StopRuleName,
  };
  if (downtime !== undefined) params.downtimeLimitSeconds = (downtime as number) / 1000;
  if (maxRounds !== undefined) params.maxRounds = maxRounds as number;
  if (autoConverge) params.autoConverge = true;
  if (postCopy !== undefined) params.postCopy = { afterRounds: postCopy as number };
  if (resume !== undefined) params.resumeSeconds = (resume as number) / 1000;
  if (seed !== undefined) params.seed = seed as number;
  return { ok: true, params, json };
}

export interface MigrateSummary {
  rule: StopRuleName;
  rounds: number;
  totalSeconds: number;
  downtimeMs: number;
  bytesSent: number;
  converged: boolean;
  stopReason: string;
  finalThrottle: number;
  postCopy: MigrationResult['postCopy'];
  roundList: { round: number; pagesSent: number; bytesSent: number; seconds: number; dirtyPages: number; throttle: number }[];
}

export function summarize(r: MigrationResult): MigrateSummary {
  return {
    rule: r.rule,
    rounds: r.rounds,
    totalSeconds: r.totalSeconds,
    downtimeMs: r.downtimeMs,
    bytesSent: r.bytesSent,
    converged: r.converged,
    stopReason: r.stopReason,
    finalThrottle: r.finalThrottle,
    postCopy: r.postCopy,
    roundList: r.roundList.map((x) => ({ round: x.index, pagesSent: x.pagesSent, bytesSent: x.bytesSent, seconds: x.durationSeconds, dirtyPages: x.dirtyPages, throttle: x.throttle })),
  };
}

/** Runs the subcommand: exit code and the text for stdout / stderr. Bad arguments: code 2. */
export function runMigrateCommand(argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  const a = parseMigrateArgs(argv);
  if (!a.ok) return { code: 2, stdout: '', stderr: `migrate: ${a.message}\n${MIGRATE_USAGE}` };
  const r = simulateMigration(a.params);
  const s = summarize(r);
  if (a.json) return { code: 0, stdout: JSON.stringify(s) + '\n', stderr: '' };
  const lines = [`rule ${s.rule}: ${s.rounds} pre-copy round(s), ${s.converged ? 'converged' : 'did NOT converge'} (${s.stopReason})`]; // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  for (const x of s.roundList) lines.push(`  round ${String(x.round).padStart(3)}  ${(x.bytesSent / MIB).toFixed(2).padStart(10)} MiB  ${x.seconds.toFixed(3).padStart(9)} s  dirtied ${x.dirtyPages} pages${x.throttle > 0 ? `  throttle ${Math.round(x.throttle * 100)} %` : ''}`); // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  lines.push(`total ${s.totalSeconds.toFixed(3)} s, downtime ${s.downtimeMs.toFixed(1)} ms, sent ${(s.bytesSent / MIB).toFixed(2)} MiB`); // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  if (s.postCopy) lines.push(`post-copy: ${s.postCopy.pagesAtSwitch} pages left at switch, ${s.postCopy.faults} faults, degraded for ${s.postCopy.degradationSeconds.toFixed(3)} s`); // i18n-ignore: developer CLI output (npm run lab -- migrate), English by design
  return { code: 0, stdout: lines.join('\n') + '\n', stderr: '' };
}
