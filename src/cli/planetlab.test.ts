/**
 * `npm run -s lab -- planetlab DIR --policy … [--json]`: what CloudSim 3.0.3's `Helper.printResults` prints, under
 * the name CloudSim gives the run. Called in-process (`planetlabMain`), stdout captured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planetlabMain } from './planetlab.ts';

function capture(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    return { code: planetlabMain(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

/** A day folder of four VMs (one per type), 288 samples each. */
function smallDay(samples: number[][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtlab-planetlab-'));
  samples.forEach((p, i) => writeFileSync(join(dir, `vm${i}`), Array.from({ length: 288 }, (_, k) => String(p[k % p.length])).join('\n') + '\n'));
  return dir;
}

describe('lab planetlab', () => {
  it('--json: the canonical policy name and every figure of Helper.printResults; a NaN mean or deviation is null', () => {
    const r = capture([smallDay([[90], [90], [5], [5]]), '--policy', 'thr-mmt-1', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(o.policy).toBe('thr-mmt-1.0');
    for (const k of ['energyKWh', 'migrations', 'slatah', 'pdm', 'slav', 'esv', 'overallSlaViolation', 'averageSlaViolation', 'hostShutdowns', 'meanTimeBeforeHostShutdown', 'stDevTimeBeforeHostShutdown']) {
      expect(typeof o[k], k).toBe('number');
    }
    expect(o.migrations).toBeGreaterThan(0);
    expect(typeof o.meanTimeBeforeVmMigration).toBe('number');
    // DVFS never migrates: no sample, NaN in CloudSim's printout
    const d = JSON.parse(capture([smallDay([[90], [90], [5], [5]]), '--policy', 'dvfs', '--json']).stdout) as Record<string, unknown>;
    expect(d.policy).toBe('dvfs');
    expect(d.meanTimeBeforeVmMigration).toBeNull();
    expect(d.stDevTimeBeforeVmMigration).toBeNull();
  });

  it('text: one line per figure, CloudSim\'s additions included', () => {
    const r = capture([smallDay([[90], [90], [5], [5]]), '--policy', 'THR-MMT-0.8']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('thr-mmt-0.8: 4 VMs on 800 hosts');
    for (const label of ['energy', 'VM migrations', 'SLATAH', 'PDM', 'SLAV', 'ESV', 'overall SLA violation', 'average SLA violation', 'host shutdowns', 'time before a host shutdown', 'time before a VM migration', 'replay']) {
      expect(lines.some((l) => l.startsWith(label.padEnd(28) + ' ')), label).toBe(true);
    }
    expect(lines.find((l) => l.startsWith('time before a VM migration'))).toMatch(/mean \d+\.\d\d s, stdev (\d+\.\d\d|NaN) s$/);
  });

  it('the repository\'s 20110303 under THR-MMT-1.0: CloudSim 3.0.3\'s printout, every figure in full', () => {
    const r = capture([join(process.cwd(), 'public/data/planetlab/20110303'), '--policy', 'thr-mmt-1', '--json']);
    expect(r.code).toBe(0);
    const { seconds: _s, ...o } = JSON.parse(r.stdout) as Record<string, unknown>;
    // CloudSim 3.0.3, sorted trace order (see agreement.test.ts for how these were produced); ESV = energy × SLAV
    expect(o).toEqual({
      policy: 'thr-mmt-1.0',
      energyKWh: 163.00577936602903,
      migrations: 46067,
      slatah: 0.15987231544269043,
      pdm: 0.0017831256266810577,
      slav: 0.0002850724226626991,
      esv: 163.00577936602903 * 0.0002850724226626991,
      overallSlaViolation: 0.005414871031516709,
      averageSlaViolation: 0.08975803115189426,
      hostShutdowns: 6018,
      meanTimeBeforeHostShutdown: 886.1946321037253,
      stDevTimeBeforeHostShutdown: 1196.3534421631116,
      meanTimeBeforeVmMigration: 17.17187446651051,
      stDevTimeBeforeVmMigration: 7.9745984513897366,
      vms: 1052,
      hosts: 800,
      anomalies: 0,
    });
  });

  it('refuses an unknown policy or option, and a missing folder', () => {
    expect(capture(['x', '--policy', 'nope-mmt-1']).code).toBe(2);
    expect(capture(['x', '--frobnicate']).code).toBe(2);
    expect(capture([]).code).toBe(2);
    const r = capture([join(tmpdir(), 'no-such-day-folder-vtlab'), '--policy', 'dvfs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read/);
  });
});
