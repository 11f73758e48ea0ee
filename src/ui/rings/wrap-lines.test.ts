import { describe, expect, it } from 'vitest';
import { wrapLines } from './wrap-lines.ts';

describe('transition label lines', () => {
  it('a short label stays on one line', () => {
    expect(wrapLines('VM exit: CPUID', 27, 2)).toEqual(['VM exit: CPUID']);
  });
  it('a long handler name moves to its own line instead of being cut', () => {
    expect(wrapLines('VMM runs handle_external_interrupt', 27, 2)).toEqual(['VMM runs', 'handle_external_interrupt']);
  });
  it('words are kept whole while they fit', () => {
    expect(wrapLines('HLT: halted, to resume The processor sleeps', 27, 2)).toEqual(['HLT: halted, to resume The', 'processor sleeps']);
  });
  it('beyond the last line the text ends with an ellipsis, within the width', () => {
    const lines = wrapLines('one two three four five six seven eight nine ten eleven twelve thirteen', 12, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith('…')).toBe(true);
    expect(lines.every((l) => l.length <= 12)).toBe(true);
  });
  it('a single word longer than a line is cut with an ellipsis', () => {
    expect(wrapLines('supercalifragilistic', 10, 2)).toEqual(['supercali…']);
  });
});
