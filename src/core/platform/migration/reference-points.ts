/**
 * Published and model-derived points to check the engine against, copied from usage-models.md.
 * Units as in §B4: MiB = 2^20 bytes, Mbit/s = 2^20 bits/s, D in MiB/s.
 */

export interface ModelVector {
  memoryMib: number;
  bandwidthMbit: number;
  dirtyMibPerSecond: number;
  /** null = "never converges (needs auto-converge/post-copy)" */
  qemu: { rounds: number; totalSeconds: number; downtimeMs: number } | null;
  xen: { rounds: number; totalSeconds: number; downtimeMs: number };
}

/** §B4 "Model-derived test vectors" (T_res = 0; QEMU downtime limit 300 ms; Xen 30 rounds / 50 pages / 3 x M). */
export const B4_VECTORS: readonly ModelVector[] = [
  { memoryMib: 1024, bandwidthMbit: 1000, dirtyMibPerSecond: 0, qemu: { rounds: 1, totalSeconds: 8.19, downtimeMs: 0.0 }, xen: { rounds: 1, totalSeconds: 8.19, downtimeMs: 0.0 } },
  { memoryMib: 1024, bandwidthMbit: 1000, dirtyMibPerSecond: 10, qemu: { rounds: 2, totalSeconds: 8.9, downtimeMs: 52.4 }, xen: { rounds: 4, totalSeconds: 8.9, downtimeMs: 0.3 } },
  { memoryMib: 1024, bandwidthMbit: 1000, dirtyMibPerSecond: 50, qemu: { rounds: 4, totalSeconds: 13.51, downtimeMs: 209.7 }, xen: { rounds: 10, totalSeconds: 13.65, downtimeMs: 0.9 } },
  { memoryMib: 1024, bandwidthMbit: 1000, dirtyMibPerSecond: 100, qemu: { rounds: 15, totalSeconds: 39.81, downtimeMs: 288.2 }, xen: { rounds: 5, totalSeconds: 30.22, downtimeMs: 2684.4 } },
  { memoryMib: 1024, bandwidthMbit: 1000, dirtyMibPerSecond: 125, qemu: null, xen: { rounds: 4, totalSeconds: 40.96, downtimeMs: 8192.0 } },
  { memoryMib: 4096, bandwidthMbit: 1000, dirtyMibPerSecond: 50, qemu: { rounds: 6, totalSeconds: 54.52, downtimeMs: 134.2 }, xen: { rounds: 11, totalSeconds: 54.61, downtimeMs: 1.4 } },
  { memoryMib: 4096, bandwidthMbit: 10000, dirtyMibPerSecond: 100, qemu: { rounds: 1, totalSeconds: 3.54, downtimeMs: 262.1 }, xen: { rounds: 4, totalSeconds: 3.56, downtimeMs: 0.1 } },
  { memoryMib: 800, bandwidthMbit: 1000, dirtyMibPerSecond: 20, qemu: { rounds: 2, totalSeconds: 7.59, downtimeMs: 163.8 }, xen: { rounds: 5, totalSeconds: 7.62, downtimeMs: 0.7 } },
];

export interface ClarkPoint {
  name: string;
  /** VM RAM in MB as printed (the paper's MB; treated as MiB here, see docs/live-migration.md). */
  memoryMb: number;
  totalDataMb: number | null;
  finalRoundMb: number | null;
  downtimeMs: number;
  /** Restart (activation) part of the downtime, where the paper splits it. */
  restartMs: number | null;
  conf: string;
}

/** §B1 Clark et al., NSDI 2005 (Xen 2.0, gigabit LAN, rate limit 100 -> 500 Mbit/s). */
export const B1_CLARK_POINTS: readonly ClarkPoint[] = [
  { name: 'SPECweb99, 350 clients', memoryMb: 800, totalDataMb: 960, finalRoundMb: 18.2, downtimeMs: 210, restartMs: 9, conf: '210 ms V; rest R' }, // i18n-ignore: Clark et al.'s own notation (V = ..., R = ...), quoted
  { name: 'Quake 3 server, 6 players', memoryMb: 64, totalDataMb: 88, finalRoundMb: 0.148, downtimeMs: 60, restartMs: 40, conf: '60 ms V; rest R' }, // i18n-ignore: Clark et al.'s own notation (V = ..., R = ...), quoted
  { name: 'MMuncher (diabolical), 256 MB written', memoryMb: 512, totalDataMb: 638, finalRoundMb: 222.5, downtimeMs: 3500, restartMs: null, conf: 'R' },
];
