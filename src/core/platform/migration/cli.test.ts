import { describe, expect, it } from 'vitest';
import { parseMigrateArgs, runMigrateCommand } from './cli.ts';

describe('lab migrate', () => {
  it('prints rounds, totalSeconds, downtimeMs and bytesSent as JSON (the §B4 vector 1024 / 1000 / 50, QEMU)', () => {
    const r = runMigrateCommand(['--memory-mib', '1024', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--rule', 'qemu', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rounds).toBe(4);
    expect(j.totalSeconds).toBeCloseTo(13.51, 1);
    expect(j.downtimeMs).toBeCloseTo(209.7, 0);
    expect(j.bytesSent).toBeGreaterThan(1024 * 2 ** 20);
  });

  it('accepts --wws-mib and --downtime-ms', () => {
    const a = parseMigrateArgs(['--memory-mib', '512', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '80', '--wws-mib', '32', '--rule', 'qemu', '--downtime-ms', '30']);
    expect(a.ok && a.params.dirty.kind === 'wws' && a.params.downtimeLimitSeconds === 0.03).toBe(true);
  });

  it.each([
    [['--memory-mib', '1024', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--rule', 'vmware'], /not one of qemu, xen, clark/],
    [['--memory-mib', '-1', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--rule', 'xen'], /--memory-mib: must be greater than 0/],
    [['--memory-mib', '1024', '--bandwidth-mbit', 'fast', '--dirty-mbyte-per-s', '50', '--rule', 'xen'], /not a number/],
    [['--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--rule', 'xen'], /missing --memory-mib/],
    [['--memory-mib', '1024', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--rule', 'xen', '--downtime-ms', '30'], /qemu only/],
    [['--memory-mib', '64', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--wws-mib', '128', '--rule', 'xen'], /must not exceed/],
    [['--memory-mib', '64', '--bandwidth-mbit', '1000', '--dirty-mbyte-per-s', '50', '--rule', 'xen', '--frobnicate'], /unknown argument/],
  ])('bad arguments exit 2 with a clear message: %j', (argv, msg) => {
    const r = runMigrateCommand(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });
});
