/**
 * The host-by-host day view's data (pure): for interval k of a PlanetLab day replay, how many VMs each host runs,
 * which hosts are on, which were switched off or on since the previous interval, and which VMs moved (a VM whose
 * host changed between two consecutive snapshots was migrated: CloudSim's migration delay, §A4, is far below the
 * 300-s interval, so a migration started in an interval has completed by its end).
 */

export interface DaySnapshots {
  /** Row 0: start of the day; row k + 1: end of interval k. `vmCount` columns, −1 = the VM runs nowhere. */
  hostOfVm: Int16Array;
  vmCount: number;
  hostCount: number;
}

export interface DayMove {
  vm: number;
  from: number;
  to: number;
}

export interface DayFrame {
  /** Row shown (0 … rows − 1). */
  row: number;
  vmsOnHost: Int32Array;
  hostsOn: number;
  switchedOff: number[];
  switchedOn: number[];
  moves: DayMove[];
  /** Largest VM count on any host in this frame (for the shading's legend). */
  maxVms: number;
}

export function rowCount(d: DaySnapshots): number {
  return d.vmCount > 0 ? Math.floor(d.hostOfVm.length / d.vmCount) : 0;
}

function countsAt(d: DaySnapshots, row: number): Int32Array {
  const c = new Int32Array(d.hostCount);
  const o = row * d.vmCount;
  for (let v = 0; v < d.vmCount; v++) {
    const h = d.hostOfVm[o + v];
    if (h >= 0 && h < d.hostCount) c[h]++;
  }
  return c;
}

/** The frame of snapshot `row`; moves and switches are relative to the previous snapshot (none for row 0). */
export function dayFrame(d: DaySnapshots, rowIn: number): DayFrame {
  const rows = rowCount(d);
  const row = Math.max(0, Math.min(rows - 1, Math.floor(rowIn)));
  const now = countsAt(d, row);
  const prev = row > 0 ? countsAt(d, row - 1) : now;
  const switchedOff: number[] = [];
  const switchedOn: number[] = [];
  let hostsOn = 0;
  let maxVms = 0;
  for (let h = 0; h < d.hostCount; h++) {
    if (now[h] > 0) hostsOn++;
    if (now[h] > maxVms) maxVms = now[h];
    if (row > 0 && prev[h] > 0 && now[h] === 0) switchedOff.push(h);
    if (row > 0 && prev[h] === 0 && now[h] > 0) switchedOn.push(h);
  }
  const moves: DayMove[] = [];
  if (row > 0) {
    const a = (row - 1) * d.vmCount;
    const b = row * d.vmCount;
    for (let v = 0; v < d.vmCount; v++) {
      const from = d.hostOfVm[a + v];
      const to = d.hostOfVm[b + v];
      if (from >= 0 && to >= 0 && from !== to) moves.push({ vm: v, from, to });
    }
  }
  return { row, vmsOnHost: now, hostsOn, switchedOff, switchedOn, moves, maxVms };
}

/** "hh:mm" at the end of row `row` (row 0 = 00:00, the start of the day). */
export function rowClock(row: number, intervalSeconds: number): string {
  const s = row * intervalSeconds;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
