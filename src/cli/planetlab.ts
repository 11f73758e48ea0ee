/**
 * `npm run -s lab -- planetlab DIR --policy lr-mmt-1.2 [--seed N] [--json]`: replays a PlanetLab day folder in the
 * CloudSim layout with a Beloglazov & Buyya policy (src/core/platform/dynamic, docs/planetlab.md), and prints what
 * CloudSim's `Helper.printResults` prints (plus ESV). The policy is named as CloudSim names it (`thr-mmt-1.0` for
 * `--policy thr-mmt-1`). In `--json`, a mean or deviation CloudSim prints as NaN (no shutdown, no migration, or a
 * deviation of one sample) is null.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePolicy, policyName, runDay, traceSetFromFiles, type TraceSet } from '../core/platform/dynamic/index.ts';

/** Reads every regular file of a day folder (one VM per file, §A1). */
export function readTraceFolder(dir: string): { ok: true; traces: TraceSet } | { ok: false; error: string } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    return { ok: false, error: `${dir}: cannot read: ${(e as Error).message}` };
  }
  const files = names.filter((n) => statSync(join(dir, n)).isFile()).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  return traceSetFromFiles(files);
}

export function planetlabMain(rest: string[]): number {
  let dir: string | undefined;
  let policy = 'lr-mmt-1.2';
  let json = false;
  let seed = 1;
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    if (a === '--json') json = true;
    else if (a === '--policy') policy = rest[++k] ?? '';
    else if (a === '--seed') seed = Number(rest[++k]);
    else if (a.startsWith('--')) {
      process.stderr.write(`unknown option ${a}\n`);
      return 2;
    } else dir = a;
  }
  if (dir === undefined) {
    process.stderr.write('usage: lab planetlab DIR [--policy dvfs|npa|thr-mmt-0.8|iqr-mc-1.5|mad-mmt-2.5|lr-rs-1.2|lrr-mmt-1.2|…] [--seed N] [--json]\n');
    return 2;
  }
  if (!Number.isSafeInteger(seed)) {
    process.stderr.write('--seed needs a whole number\n');
    return 2;
  }
  const p = parsePolicy(policy);
  if (!p.ok) {
    process.stderr.write(p.error + '\n');
    return 2;
  }
  const tr = readTraceFolder(dir);
  if (!tr.ok) {
    process.stderr.write(tr.error + '\n');
    return 1;
  }
  const t0 = performance.now();
  const m = runDay(tr.traces, p.policy, { seed });
  const seconds = (performance.now() - t0) / 1000;
  const out = { policy: policyName(p.policy), ...m, seconds };
  if (json) process.stdout.write(JSON.stringify(out) + '\n');
  else {
    // the figures of `Helper.printResults` (and ESV), labels in one column
    const rows: [string, string][] = [
      ['energy', `${m.energyKWh.toFixed(2)} kWh`],
      ['VM migrations', `${m.migrations}`],
      ['SLATAH', `${(m.slatah * 100).toFixed(2)} %`],
      ['PDM', `${(m.pdm * 100).toFixed(2)} %`],
      ['SLAV', `${(m.slav * 1e5).toFixed(2)} × 1e-5`],
      ['ESV', `${(m.esv * 1e3).toFixed(3)} × 1e-3`],
      ['overall SLA violation', `${(m.overallSlaViolation * 100).toFixed(2)} %`],
      ['average SLA violation', `${(m.averageSlaViolation * 100).toFixed(2)} %`],
      ['host shutdowns', `${m.hostShutdowns}`],
      ['time before a host shutdown', `mean ${m.meanTimeBeforeHostShutdown.toFixed(2)} s, stdev ${m.stDevTimeBeforeHostShutdown.toFixed(2)} s`],
      ['time before a VM migration', `mean ${m.meanTimeBeforeVmMigration.toFixed(2)} s, stdev ${m.stDevTimeBeforeVmMigration.toFixed(2)} s`],
      ['replay', `${seconds.toFixed(3)} s`],
    ];
    process.stdout.write(`${out.policy}: ${m.vms} VMs on ${m.hosts} hosts\n` + rows.map(([k, v]) => `${k.padEnd(28)} ${v}\n`).join(''));
  }
  return 0;
}
