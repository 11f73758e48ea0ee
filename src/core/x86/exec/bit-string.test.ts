/**
 * BT/BTS/BTR/BTC with a memory operand and a register bit offset address a bit string (SDM BT: the offset may
 * reach beyond the operand), with the effective address formed in the instruction's address size.
 */
import { describe, expect, test } from 'vitest';
import { runBare } from '../../../test-support/bare.ts';

describe('BT* with a register bit offset and 16-bit addressing: the effective address wraps at 64 KiB (address-size rule; Bochs BTS_EdGdM)', () => {
  test('a16 BTS dword [bx], eax with BX = 0xFFF0, EAX = 0x100 sets bit 0 of the dword at 0x0010, not 0x10010', () => {
    const r = runBare('mov ebx, 0xfff0\nmov eax, 0x100\nmov dword [0x10], 0\nmov dword [0x10010], 0\na16 bts dword [bx], eax\nmov ecx, [0x10]\nmov edx, [0x10010]\nhlt');
    expect(r.reason).toBe('halted');
    expect([r.ecx, r.edx]).toEqual([1, 0]);
  });
});
