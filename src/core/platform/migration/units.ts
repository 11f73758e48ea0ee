/**
 * Units of the live-migration engine.
 *
 * Sizes are bytes, times seconds, bandwidths bytes per second (simulated time, never wall clock).
 * The reference's test vectors fix the unit conventions (usage-models.md §B4): MiB = 2^20 bytes,
 * Mbit/s = 2^20 bits/s, dirty rates in MiB/s (so 1000 Mbit/s = 125 MiB/s). We use the same everywhere
 * so that the engine, the analytical model and the CLI agree on what "1000 Mbit/s" means.
 */

/** x86 base page (SDM Vol. 3A §4.3); the reference counts Xen's 50-page threshold in 4 KiB pages (§B4). */
export const PAGE_SIZE = 4096;

/** 2^20 bytes (§B4 unit convention). */
export const MIB = 1 << 20;

/** Mbit/s → bytes/s with Mbit = 2^20 bits (§B4 unit convention). */
export function mbitToBytesPerSecond(mbit: number): number {
  return (mbit * MIB) / 8;
}

/** bytes/s → Mbit/s with Mbit = 2^20 bits (§B4 unit convention). */
export function bytesPerSecondToMbit(bps: number): number {
  return (bps * 8) / MIB;
}

/** MiB/s → bytes/s (§B4: dirty rates are given in MiB/s). */
export function mibToBytes(mib: number): number {
  return mib * MIB;
}
