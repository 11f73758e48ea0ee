/**
 * MOV to CR0 and CR4 and the error code of INT1 (exec/system.ts setCr0/setCr4, msr.ts cr4Supported,
 * interrupts.ts deliverProtected), each against the SDM text and Bochs (crregs.cc, soft_int.cc):
 *  - reserved bits of CR0[31:0] are ignored, only invalid combinations fault (SDM Vol. 3A §2.5);
 *  - a CR4 bit for a feature CPUID.01H does not report is reserved: #GP(0) (SDM Vol. 3A §2.5, §2.6.2.1);
 *  - with PAE paging in use, a MOV to CR4 that changes PGE or PSE reloads the PDPTEs (SDM Vol. 3A §4.4.1);
 *  - INT1 (ICEBP) delivers as an external event: EXT = 1 in an error code it causes (SDM Vol. 3A §6.13).
 */
import { describe, expect, test } from 'vitest';
import { GATE, deliveries, gateDesc, runBare, runKernel, setGate } from '../../../test-support/bare.ts';
import type { BareMachine } from '../../machine/bare.ts';

describe('MOV to CR0: reserved bits are ignored (SDM Vol. 3A §2.5: "Attempting to set any reserved bits in CR0[31:0] is ignored")', () => {
  for (const bit of [6, 15, 17, 28]) {
    test(`bit ${bit}: no fault, and CR0 reads back without it`, () => {
      const r = runBare(`mov eax, cr0\nmov ecx, eax\nor eax, ${2 ** bit}\nmov cr0, eax\nmov ebx, cr0\nhlt`);
      expect(r.reason).toBe('halted');
      expect(r.ebx >>> 0).toBe(r.ecx >>> 0);
    });
  }
  test('the invalid combinations still fault: PG without PE, NW without CD', () => {
    const pg = runBare('mov eax, cr0\nand eax, 0xfffffffe\nmov cr0, eax\nhlt');
    expect([pg.reason, pg.vector, pg.errorCode]).toEqual(['unhandled-exception', 13, 0]);
    const nw = runBare('mov eax, cr0\nand eax, 0xbfffffff\nor eax, 0x20000000\nmov cr0, eax\nhlt');
    expect([nw.reason, nw.vector, nw.errorCode]).toEqual(['unhandled-exception', 13, 0]);
  });
});

describe('MOV to CR4: bits of features CPUID.01H does not report are reserved (SDM Vol. 3A §2.5; Bochs get_cr4_allow_mask)', () => {
  // The models report DE, PSE, TSC, PAE, PGE (EDX) and VMX (ECX) but not VME, MCE, FXSR or SSE.
  const cpuid1 = runBare('mov eax, 1\ncpuid\nmov ebx, edx\nhlt');
  const edx = cpuid1.ebx >>> 0;
  for (const [name, bit, feature] of [['VME', 0, 1], ['PVI', 1, 1], ['MCE', 6, 7], ['OSFXSR', 9, 24], ['OSXMMEXCPT', 10, 25]] as const) {
    test(`CR4.${name}: #GP(0) while CPUID.01H:EDX[${feature}] = 0`, () => {
      expect((edx >>> feature) & 1).toBe(0);
      const r = runBare(`mov eax, cr4\nor eax, ${2 ** bit}\nmov cr4, eax\nhlt`);
      expect([r.reason, r.vector, r.errorCode]).toEqual(['unhandled-exception', 13, 0]);
    });
  }
  for (const [name, bit] of [['TSD', 2], ['DE', 3], ['PGE', 7], ['PCE', 8]] as const) {
    test(`CR4.${name} (reported): accepted and read back`, () => {
      const r = runBare(`mov eax, cr4\nor eax, ${2 ** bit}\nmov cr4, eax\nmov ebx, cr4\nhlt`);
      expect(r.reason).toBe('halted');
      expect((r.ebx >>> bit) & 1).toBe(1);
    });
  }
});

describe('PAE paging: MOV to CR4 that changes PGE or PSE loads the PDPTEs (SDM Vol. 3A §4.4.1)', () => {
  const PDPT = 0x100000;
  const PD = 0x101000;
  const PD2 = 0x102000;
  const tables = (m: BareMachine): void => {
    m.mem.write32(PDPT, PD | 1);
    m.mem.write32(PDPT + 4, 0);
    for (let k = 1; k < 4; k++) {
      m.mem.write32(PDPT + 8 * k, 0);
      m.mem.write32(PDPT + 8 * k + 4, 0);
    }
    // 2-MByte pages identity-mapping 0–16 MiB in both directories; PD2 maps 8 MiB to 12 MiB instead.
    for (const pd of [PD, PD2]) {
      for (let k = 0; k < 8; k++) {
        m.mem.write32(pd + 8 * k, (k << 21) | 0x87);
        m.mem.write32(pd + 8 * k + 4, 0);
      }
    }
    m.mem.write32(PD2 + 8 * 4, (6 << 21) | 0x87);
    m.mem.write32(0x800000, 0x11111111);
    m.mem.write32(0xc00000, 0x22222222);
  };
  const enterPae = `mov eax, cr0\nand eax, 0x7fffffff\nmov cr0, eax\nmov eax, cr4\nor eax, 0x20\nmov cr4, eax\nmov eax, ${PDPT}\nmov cr3, eax\nmov eax, cr0\nor eax, 0x80000000\nmov cr0, eax\n`;
  const corruptPdpte1 = `mov dword [${PDPT + 8}], 0x00200003\n`; // present with reserved bit 1 set
  test('an invalid PDPTE is #GP(0) when PGE or PSE changes', () => {
    for (const change of ['or eax, 0x80', 'xor eax, 0x10']) {
      const r = runBare(`${enterPae}${corruptPdpte1}mov eax, cr4\n${change}\nmov cr4, eax\nhlt`, { setup: tables });
      expect([r.reason, r.vector, r.errorCode]).toEqual(['unhandled-exception', 13, 0]);
    }
  });
  test('a PDPTE pointed at a new directory takes effect when PGE changes', () => {
    const r = runBare(`${enterPae}mov dword [${PDPT}], ${PD2 | 1}\nmov eax, cr4\nor eax, 0x80\nmov cr4, eax\nmov ebx, [0x800000]\nhlt`, { setup: tables });
    expect(r.reason).toBe('halted');
    expect(r.ebx >>> 0).toBe(0x22222222);
  });
});

describe('INT1 (ICEBP) is delivered as an external event (SDM Vol. 3A §6.13: EXT is clear only for INT n, INT3 and INTO)', () => {
  const notPresent = (m: BareMachine, sym: Record<string, number>): void => setGate(m, 1, gateDesc(0x08, sym.stop, { type: GATE.INT32, p: false }));
  test('a not-present gate: #NP with error code (1 << 3) | IDT | EXT = 0x0B for INT1, 0x0A for INT 1', () => {
    const icebp = deliveries(runKernel('db 0xf1\nhlt', notPresent).events).find((d) => d[0] === 11);
    expect(icebp?.[1]).toBe(0x0b);
    const int1 = deliveries(runKernel('int 1\nhlt', notPresent).events).find((d) => d[0] === 11);
    expect(int1?.[1]).toBe(0x0a);
  });
});
