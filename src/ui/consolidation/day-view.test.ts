import { describe, expect, it } from 'vitest';
import { dayFrame, rowClock, rowCount } from './day-view.ts';

// 3 hosts, 4 VMs, 3 snapshots: start; VM 2 moves 1 → 0 and host 1 empties; VM 3 moves 0 → 2, host 2 switches on
const d = {
  vmCount: 4,
  hostCount: 3,
  hostOfVm: Int16Array.from([0, 0, 1, 0, /* row 1 */ 0, 0, 0, 0, /* row 2 */ 0, 0, 0, 2]),
};

describe('host-by-host day view', () => {
  it('counts VMs per host and hosts on', () => {
    expect(rowCount(d)).toBe(3);
    const f0 = dayFrame(d, 0);
    expect(Array.from(f0.vmsOnHost)).toEqual([3, 1, 0]);
    expect(f0.hostsOn).toBe(2);
    expect(f0.moves).toEqual([]);
    expect(f0.switchedOff).toEqual([]);
  });
  it('derives migrations and switched-off / switched-on hosts from consecutive snapshots', () => {
    const f1 = dayFrame(d, 1);
    expect(f1.moves).toEqual([{ vm: 2, from: 1, to: 0 }]);
    expect(f1.switchedOff).toEqual([1]);
    expect(f1.hostsOn).toBe(1);
    const f2 = dayFrame(d, 2);
    expect(f2.moves).toEqual([{ vm: 3, from: 0, to: 2 }]);
    expect(f2.switchedOn).toEqual([2]);
    expect(f2.maxVms).toBe(3);
  });
  it('clamps the row and a retired VM (−1) is no move', () => {
    expect(dayFrame(d, 99).row).toBe(2);
    const e = { vmCount: 1, hostCount: 1, hostOfVm: Int16Array.from([0, -1]) };
    expect(dayFrame(e, 1).moves).toEqual([]);
    expect(dayFrame(e, 1).switchedOff).toEqual([0]);
  });
  it('clock of a row', () => {
    expect(rowClock(0, 300)).toBe('00:00');
    expect(rowClock(37, 300)).toBe('03:05');
    expect(rowClock(288, 300)).toBe('24:00');
  });
});
