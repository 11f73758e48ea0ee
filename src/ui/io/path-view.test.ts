import { describe, expect, it } from 'vitest';
import { exitsSoFar, fmt, indexOfExit, parseField } from './path-view.ts';
import type { IoStep } from '../../core/io-path/types.ts';

describe('path-view', () => {
  it('rejects what is not a whole number and keeps a message for the field', () => {
    expect(parseField('packets', '4.5')).toEqual({ ok: false, message: 'enter a whole number' });
    expect(parseField('packets', 'abc')).toMatchObject({ ok: false });
    expect(parseField('packets', ' ')).toMatchObject({ ok: false, message: 'enter a number' });
    expect(parseField('lineRateMbit', '2.5')).toEqual({ ok: true, value: 2.5 });
  });
  it('finds exits by number and counts them up to a step', () => {
    const s = (hop: IoStep['hop'], exitNo?: number): IoStep => ({ seq: 0, cycle: 0, hop, title: '', detail: '', ...(exitNo ? { exitNo } : {}) });
    const steps = [s('guest-driver'), s('exit', 1), s('device-model'), s('exit', 2)];
    expect(indexOfExit(steps, 2)).toBe(3);
    expect(exitsSoFar(steps, 2)).toBe(1);
    expect(exitsSoFar(steps, 3)).toBe(2);
    expect(fmt(300852)).toBe('300,852');
  });
});
