/**
 * System and sensitive instructions (exec/system.ts, exec/io.ts, exec/data.ts stores, msr.ts):
 *  - the "sensitive but unprivileged" instructions that made IA-32 hard to virtualize by trap-and-emulate
 *    (Robin & Irvine 2000): POPF silently ignoring IF/IOPL, PUSHF revealing IF, SGDT/SIDT/SLDT/STR/SMSW at
 *    any CPL, LAR/LSL/VERR/VERW judging against CPL/RPL, PUSH CS revealing the RPL — at ring 3 and ring 1;
 *  - I/O permission (IOPL and the TSS I/O bitmap), CLI/STI, privileged instructions at CPL > 0;
 *  - MSRs (unknown → #GP, IA32_FEATURE_CONTROL lock), RDTSC with CR4.TSD, x87 #NM (CR0.TS/EM/MP), CPUID.
 * Each test cites the SDM page it checks.
 */
import { describe, expect, test } from 'vitest';
import {
  GATE,
  KERNEL,
  deliveries,
  gateDesc,
  runKernel,
  segDesc,
  setGdt,
  toRing1,
  toRing3,
  type BareResult,
} from '../../../test-support/bare.ts';
import type { BareMachine } from '../../machine/bare.ts';
import { tssDescriptor } from '../../machine/layout.ts';

const CF = 0x1, ZF = 0x40, IF = 0x200, IOPL = 0x3000;
const fault = (r: BareResult): [number, number | null, number, number] | undefined => deliveries(r.events).find((d) => d[0] !== 0x81);
const ring = (n: 1 | 3): string => (n === 3 ? toRing3() : toRing1());

describe('POPF / PUSHF at CPL > 0 (SDM Vol. 2 POPF: "the IF flag … unaffected … no exception"; PUSHF)', () => {
  test('ring 3, IOPL 0: POPFD changes CF but silently keeps IF and IOPL', () => {
    const r = runKernel(`${toRing3()}push ${IF | IOPL | CF | 2}\npopfd\npushfd\npop eax\nint 0x81`);
    expect(fault(r)).toBeUndefined();
    expect(r.eax & (IF | IOPL | CF)).toBe(CF);
  });
  test('ring 3, IOPL 3: IF follows, IOPL still does not (only CPL 0 changes IOPL)', () => {
    const r = runKernel(`${toRing3()}push ${CF | 2}\npopfd\npushfd\npop eax\nint 0x81`, undefined, { eflags: IF | IOPL });
    expect(r.eax & (IF | IOPL | CF)).toBe(IOPL | CF); // IF cleared (allowed at CPL ≤ IOPL); IOPL kept at 3
  });
  test('ring 1 (a deprivileged guest kernel), IOPL 0: CLI through POPF is silently lost', () => {
    const r = runKernel(`${toRing1()}pushfd\npop ebx\npush 2\npopfd\npushfd\npop eax\nint 0x81`, undefined, { eflags: IF });
    expect(r.ebx & IF).toBe(IF); // PUSHF reveals the real IF at ring 1
    expect(r.eax & IF).toBe(IF); // … and POPF could not clear it
  });
  test('CPL 0 changes both', () => {
    const r = runKernel(`push ${IF | IOPL | 2}\npopfd\npushfd\npop eax`);
    expect(r.eax & (IF | IOPL)).toBe(IF | IOPL);
  });
  test('PUSHF at ring 3 reveals IF = 1 and the IOPL; VM and RF read as 0', () => {
    const r = runKernel(`${toRing3()}pushfd\npop eax\nint 0x81`, undefined, { eflags: IF | 0x1000 | 0x10000 });
    expect(r.eax & (IF | IOPL | 0x30000)).toBe(IF | 0x1000);
  });
  test('POPFD at CPL 0 never sets VM, VIF or VIP and clears RF (SDM POPF, CPL 0 case)', () => {
    const r = runKernel(`push ${0x3f7ed7 >>> 0}\npopfd\npushfd\npop eax`); // every flag but TF
    expect(r.eax & (0x20000 | 0x80000 | 0x100000 | 0x10000)).toBe(0);
  });
  test('POPF (16-bit) leaves EFLAGS[31:16] alone', () => {
    const r = runKernel('push dword 0x40000\npopfd\npush word 0xfeff\npopfw\npushfd\npop eax'); // not TF
    expect(r.eax & 0x40000).toBe(0x40000); // AC survived the 16-bit POPF
  });
});

describe('stores of system state work at any CPL (SDM Vol. 2 SGDT, SIDT, SLDT, STR, SMSW; UMIP is not enumerated)', () => {
  for (const n of [3, 1] as const) {
    test(`ring ${n}: SGDT, SIDT, SLDT, STR, SMSW reveal the kernel's tables and CR0`, () => {
      const ds = n === 3 ? 'mov ax, 0x23\nmov ds, ax\n' : 'mov ax, 0x39\nmov ds, ax\n';
      const r = runKernel(`${ring(n)}${ds}sgdt [0x20000]\nsidt [0x20008]\nsldt eax\nstr ebx\nsmsw ecx\nsmsw [0x20010]\nint 0x81`);
      expect(fault(r)).toBeUndefined();
      expect([r.read16(0x20000), r.read32(0x20002)]).toEqual([KERNEL.GDT_ENTRIES * 8 - 1, KERNEL.GDT]);
      expect([r.read16(0x20008), r.read32(0x2000a)]).toEqual([256 * 8 - 1, KERNEL.IDT]);
      expect([r.eax, r.ebx]).toEqual([0, 0x28]);
      expect(r.ecx & 0xffff).toBe(r.cpu.cr0 & 0xffff);
      expect(r.read16(0x20010)).toBe(r.cpu.cr0 & 0xffff);
    });
  }
  test('SGDT with a 16-bit operand size still stores the full 32-bit base (current SDM SGDT operation)', () => {
    const r = runKernel('o16 sgdt [0x20000]', (m) => {
      m.cpu.gdtrBase = 0x12005000;
    });
    expect(r.read32(0x20002)).toBe(0x12005000);
  });
});

describe('LAR / LSL / VERR / VERW judge descriptors against CPL and RPL (SDM Vol. 2 LAR, LSL, VERR/VERW)', () => {
  const extra = (m: BareMachine, sym: Record<string, number>): void => {
    setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xe, g: true })); // 0x40: conforming readable code DPL 0
    setGdt(m, 9, segDesc(0, 0xfffff, { type: 0x8, g: true, dpl: 3 })); // 0x48: execute-only code DPL 3
    setGdt(m, 10, gateDesc(0x08, sym.stop, { type: GATE.CALL32, dpl: 3 })); // 0x50: call gate DPL 3
    setGdt(m, 11, segDesc(0x1000, 0x1234, { type: 0x2, dpl: 3 })); // 0x58: small data DPL 3 (byte granular)
  };
  const probe = (n: 0 | 1 | 3, insn: string): BareResult =>
    runKernel(`${n === 0 ? '' : ring(n)}mov eax, 0xdead\n${insn}\npushfd\npop edi\n${n === 0 ? '' : 'int 0x81'}`, extra);
  const zf = (r: BareResult): boolean => (r.edi & ZF) !== 0;
  test('LAR of the ring-3 data segment: ZF = 1 and the second dword masked with 00FFFF00H (the limit bits 19:16 kept, as processors and Bochs return them)', () => {
    const r = probe(3, 'mov bx, 0x23\nlar eax, bx');
    expect([zf(r), r.eax]).toEqual([true, 0x00cff300]); // SDM "00FxFF00H": x, the limit's bits 19:16, as in the descriptor
  });
  test('LAR/LSL of DPL-0 descriptors fail at ring 3 and ring 1 (ZF = 0, destination unchanged), succeed at ring 0', () => {
    for (const n of [3, 1] as const) {
      for (const sel of [0x10, 0x08, 0x28]) {
        const r = probe(n, `mov bx, ${sel}\nlar eax, bx`);
        expect([zf(r), r.eax], `ring ${n} lar ${sel}`).toEqual([false, 0xdead]);
        const l = probe(n, `mov bx, ${sel}\nlsl eax, bx`);
        expect([zf(l), l.eax], `ring ${n} lsl ${sel}`).toEqual([false, 0xdead]);
      }
    }
    const tss = probe(0, 'mov bx, 0x28\nlar eax, bx\nmov ecx, eax\nlsl eax, bx');
    expect([zf(tss), tss.ecx, tss.eax]).toEqual([true, 0x8b00, 0x67]); // busy 32-bit TSS, limit 0x67
  });
  test('RPL counts as well: LAR 0x13 at CPL 0 fails (DPL 0 < RPL 3)', () => {
    const r = probe(0, 'mov bx, 0x13\nlar eax, bx');
    expect([zf(r), r.eax]).toEqual([false, 0xdead]);
  });
  test('conforming code is visible at any CPL; gates are valid for LAR but not LSL', () => {
    expect(zf(probe(3, 'mov bx, 0x40\nlar eax, bx'))).toBe(true);
    const g = probe(3, 'mov bx, 0x50\nlar eax, bx');
    // P, DPL 3, type 0xC; bits 19:16 of a gate's second dword are its offset's bits 19:16 (masked with 00FFFF00H):
    // the gate's target `stop` lies in the program, loaded at 0x10000, so they read 1.
    expect([zf(g), g.eax]).toEqual([true, 0x1ec00]);
    expect(zf(probe(3, 'mov bx, 0x50\nlsl eax, bx'))).toBe(false);
  });
  test('LSL gives the byte limit (scaled by G)', () => {
    expect(probe(3, 'mov bx, 0x5B\nlsl eax, bx').eax).toBe(0x1234);
    expect(probe(3, 'mov bx, 0x23\nlsl eax, bx').eax).toBe(0xffffffff);
  });
  test('null and out-of-table selectors give ZF = 0 without faulting', () => {
    for (const sel of [0, 3, 0x1ff8, 0x0c]) {
      const r = probe(3, `mov bx, ${sel}\nlar eax, bx\nverr bx`);
      expect([fault(r), zf(r)]).toEqual([undefined, false]);
    }
  });
  test('VERR / VERW', () => {
    const v = (sel: number, op: 'verr' | 'verw', n: 0 | 3 = 3): boolean => zf(probe(n, `mov bx, ${sel}\n${op} bx`));
    expect([v(0x23, 'verr'), v(0x23, 'verw')]).toEqual([true, true]); // ring-3 data
    expect([v(0x1b, 'verr'), v(0x1b, 'verw')]).toEqual([true, false]); // readable code: never writable
    expect([v(0x4b, 'verr'), v(0x4b, 'verw')]).toEqual([false, false]); // execute-only code
    expect([v(0x10, 'verr'), v(0x10, 'verw')]).toEqual([false, false]); // DPL 0 at CPL 3
    expect([v(0x10, 'verr', 0), v(0x10, 'verw', 0)]).toEqual([true, true]);
    expect(v(0x40, 'verr')).toBe(true); // conforming readable code: no privilege check
    expect(v(0x28, 'verr', 0)).toBe(false); // system descriptor
  });
});

describe('CS reveals the privilege level (SDM Vol. 3A §5.5: CPL = CS.RPL)', () => {
  test('PUSH CS and MOV r, CS at rings 3 and 1', () => {
    const r3 = runKernel(`${toRing3()}push cs\npop eax\nmov ebx, cs\nint 0x81`);
    expect([r3.eax & 0xffff, r3.ebx]).toEqual([0x1b, 0x1b]);
    const r1 = runKernel(`${toRing1()}push cs\npop eax\nint 0x81`);
    expect(r1.eax & 3).toBe(1);
  });
});

describe('privileged instructions at CPL > 0 are #GP(0) (SDM Vol. 3A §5.9)', () => {
  const PRIV = [
    'hlt', 'mov cr0, eax', 'mov eax, cr0', 'mov eax, cr3', 'mov cr4, eax', 'lgdt [0x20000]', 'lidt [0x20000]',
    'lldt ax', 'ltr ax', 'invlpg [0x20000]', 'rdmsr', 'wrmsr', 'mov dr7, eax', 'mov eax, dr6', 'clts', 'wbinvd', 'invd', 'lmsw ax',
  ];
  for (const n of [3, 1] as const) {
    test(`ring ${n}`, () => {
      for (const insn of PRIV) {
        const r = runKernel(`${ring(n)}xor eax, eax\nat: ${insn}\nint 0x81`);
        expect(fault(r), `${insn} at ring ${n}`).toEqual([13, 0, n, 0]);
        expect(r.read32(r.esp + 4), insn).toBe(r.sym.at);
      }
    });
  }
  test('CLI/STI: #GP(0) when CPL > IOPL; allowed when CPL ≤ IOPL (SDM CLI, STI)', () => {
    expect(fault(runKernel(`${toRing3()}cli`))).toEqual([13, 0, 3, 0]);
    expect(fault(runKernel(`${toRing3()}sti`))).toEqual([13, 0, 3, 0]);
    expect(fault(runKernel(`${toRing1()}cli`))).toEqual([13, 0, 1, 0]);
    const ok = runKernel(`${toRing3()}cli\npushfd\npop eax\nsti\nint 0x81`, undefined, { eflags: IF | IOPL });
    expect([fault(ok), ok.eax & IF]).toEqual([undefined, 0]);
    const r1 = runKernel(`${toRing1()}cli\npushfd\npop eax\nint 0x81`, undefined, { eflags: IF | 0x1000 });
    expect([fault(r1), r1.eax & IF]).toEqual([undefined, 0]);
  });
});

describe('MOV DR: the order of its faults (Bochs MOV_DdRd/MOV_RdDd; SDM Vol. 3A §6.9 Table 6-2: invalid opcode before #GP)', () => {
  const withDe = (m: BareMachine): void => {
    m.cpu.cr4 |= 8; // CR4.DE
  };
  test('DR4/DR5 with CR4.DE: #UD at ring 0 and also at rings 3 and 1 (the invalid opcode comes before the CPL check)', () => {
    for (const insn of ['mov eax, dr4', 'mov dr5, eax']) {
      expect(fault(runKernel(`at: ${insn}\nint 0x81`, withDe)), `${insn} ring 0`).toEqual([6, null, 0, 0]);
      for (const n of [3, 1] as const) {
        const r = runKernel(`${ring(n)}at: ${insn}\nint 0x81`, withDe);
        expect(fault(r), `${insn} ring ${n}`).toEqual([6, null, n, 0]);
        expect(r.read32(r.esp + 0), insn).toBe(r.sym.at);
      }
    }
  });
  test('without CR4.DE, DR4/DR5 alias DR6/DR7 at ring 0 and are #GP(0) at ring 3', () => {
    const r = runKernel('mov eax, dr4\nmov ebx, dr6\nmov ecx, dr5\nmov edx, dr7\nint 0x81');
    expect([fault(r), r.eax, r.ecx]).toEqual([undefined, r.ebx, r.edx]);
    expect(fault(runKernel(`${toRing3()}mov eax, dr4\nint 0x81`))).toEqual([13, 0, 3, 0]);
  });
  test('DR7.GD: the general-detect #DB comes before the CPL check (ring 3 gets #DB, not #GP)', () => {
    const r = runKernel(`mov eax, 0x2400\nmov dr7, eax\n${toRing3()}at: mov eax, dr0\nint 0x81`);
    expect(fault(r)?.[0]).toBe(1);
  });
});

describe('I/O permission (SDM Vol. 1 §19.5: CPL ≤ IOPL, else the TSS I/O permission bitmap)', () => {
  /** A TSS at KERNEL.TSS2 with a full I/O bitmap (ports in `allow` permitted), loaded with LTR 0x70 in the program. */
  const bitmapTss = (allow: number[]) => (m: BareMachine): void => {
    const base = KERNEL.TSS2;
    const limit = 0x68 + 0x2000; // the bitmap plus the required trailing 0xFF byte
    for (let k = 0; k < 0x68; k++) m.mem.write8(base + k, 0);
    m.mem.write32(base + 4, KERNEL.RING0_STACK);
    m.mem.write32(base + 8, 0x10);
    m.mem.write32(base + 0x64, 0x68 << 16);
    for (let k = 0; k <= 0x2000; k++) m.mem.write8(base + 0x68 + k, 0xff);
    for (const p of allow) m.mem.write8(base + 0x68 + (p >> 3), m.mem.read8(base + 0x68 + (p >> 3)) & ~(1 << (p & 7)));
    setGdt(m, 14, tssDescriptor(base, limit));
  };
  const ltr = 'mov ax, 0x70\nltr ax\n';
  test('CPL 3 with IOPL 0 and no bitmap (map base = limit + 1): #GP(0) for IN, OUT, INS, OUTS', () => {
    for (const insn of ['in al, 0x80', 'out 0x80, al', 'in eax, dx', 'insb', 'rep outsb']) {
      const r = runKernel(`${toRing3()}mov dx, 0x80\nmov ax, 0x23\nmov es, ax\nmov ecx, 1\nat: ${insn}\nint 0x81`);
      expect(fault(r), insn).toEqual([13, 0, 3, 0]);
    }
  });
  test('IOPL 3 allows every port at CPL 3; IOPL 1 allows ring 1', () => {
    const r = runKernel(`${toRing3()}mov dx, 0x2F0\nin al, dx\nint 0x81`, undefined, { eflags: IOPL });
    expect([fault(r), r.eax & 0xff]).toEqual([undefined, 0xff]);
    const r1 = runKernel(`${toRing1()}in al, 0x80\nint 0x81`, undefined, { eflags: 0x1000 });
    expect(fault(r1)).toBeUndefined();
  });
  test('the bitmap: a clear bit admits the port, a set bit is #GP(0); every byte of a wide access is checked', () => {
    const allow = [0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x80];
    const io = (insn: string): BareResult => runKernel(`${ltr}${toRing3()}mov dx, 0x3F8\nat: ${insn}\nint 0x81`, bitmapTss(allow));
    expect(fault(io('in al, 0x80'))).toBeUndefined();
    expect(fault(io('out dx, al'))).toBeUndefined();
    expect(fault(io('in eax, dx'))).toBeUndefined(); // 0x3F8–0x3FB all clear
    expect(fault(io('in al, 0x81'))).toEqual([13, 0, 3, 0]);
    expect(fault(io('dec dx\nin ax, dx'))).toEqual([13, 0, 3, 0]); // 0x3F7 is denied
    expect(fault(io('inc dx\nin eax, dx'))).toEqual([13, 0, 3, 0]); // 0x3FC is denied
  });
  test('the port is really accessed when permitted: OUT to COM1 from ring 3 appears in the trace', () => {
    const r = runKernel(`${ltr}${toRing3()}mov dx, 0x3F8\nmov al, 0x41\nout dx, al\nint 0x81`, bitmapTss([0x3f8]));
    expect(r.events.filter((e) => e.type === 'io').map((e) => [e.port, e.value])).toEqual([['0x03F8', '0x00000041']]);
  });
  test('a map base beyond the TSS limit means no bitmap: #GP(0)', () => {
    const r = runKernel(`${ltr}${toRing3()}in al, 0x80\nint 0x81`, (m) => {
      bitmapTss([0x80])(m);
      m.mem.write32(KERNEL.TSS2 + 0x64, 0x3000 << 16);
    });
    expect(fault(r)).toEqual([13, 0, 3, 0]);
  });
});

describe('MSRs (SDM Vol. 2 RDMSR/WRMSR; Vol. 3C §23.7 IA32_FEATURE_CONTROL)', () => {
  test('an MSR the model does not have is #GP(0) for RDMSR and WRMSR', () => {
    expect(fault(runKernel('mov ecx, 0x12345\nrdmsr'))).toEqual([13, 0, 0, 0]);
    expect(fault(runKernel('mov ecx, 0x12345\nwrmsr'))).toEqual([13, 0, 0, 0]);
  });
  test('the VMX capability MSRs are read-only', () => {
    const r = runKernel('mov ecx, 0x480\nrdmsr\nmov esi, eax\nmov edi, edx\nwrmsr');
    expect(r.esi).toBe(r.cpu.model.capabilityMsr(0x480)!.lo >>> 0);
    expect(r.edi).toBe(r.cpu.model.capabilityMsr(0x480)!.hi >>> 0);
    expect(fault(r)).toEqual([13, 0, 0, 0]);
  });
  test('IA32_FEATURE_CONTROL reads locked with VMX enabled; once locked, a write is #GP(0)', () => {
    const r = runKernel('mov ecx, 0x3A\nrdmsr\nmov esi, eax\nmov edi, edx\nxor eax, eax\nat: wrmsr');
    expect([r.esi, r.edi]).toEqual([5, 0]);
    expect(fault(r)).toEqual([13, 0, 0, 0]);
  });
  test('an unlocked IA32_FEATURE_CONTROL takes one write that locks it; reserved bits are #GP(0)', () => {
    const unlock = (m: BareMachine): void => void m.cpu.msrLo.set(0x3a, 0);
    const r = runKernel('mov ecx, 0x3A\nmov eax, 5\nxor edx, edx\nwrmsr\nrdmsr\nmov esi, eax\nmov eax, 1\nat: wrmsr', unlock);
    expect(r.esi).toBe(5);
    expect(fault(r)).toEqual([13, 0, 0, 0]);
    expect(fault(runKernel('mov ecx, 0x3A\nmov eax, 0x100\nxor edx, edx\nwrmsr', unlock))).toEqual([13, 0, 0, 0]);
  });
  test('IA32_APIC_BASE exists because CPUID reports an APIC: FEE00900H after reset; reserved bits are #GP(0)', () => {
    const r = runKernel('mov eax, 1\ncpuid\nmov esi, edx\nmov ecx, 0x1B\nrdmsr\nmov ebx, eax\nmov edi, edx\nor eax, 0x400\nat: wrmsr');
    expect(r.esi & (1 << 9)).toBe(1 << 9);
    expect([r.ebx, r.edi]).toEqual([0xfee00900, 0]);
    expect(fault(r)).toEqual([13, 0, 0, 0]); // bit 10 (x2APIC enable) is reserved: x2APIC is not enumerated
  });
  test('IA32_FEATURE_CONTROL bit 1 (VMX inside SMX) is #GP(0) on a processor without SMX (SDM Vol. 3C §23.7)', () => {
    const unlock = (m: BareMachine): void => void m.cpu.msrLo.set(0x3a, 0);
    const r = runKernel('mov eax, 1\ncpuid\nmov esi, ecx\nmov ecx, 0x3A\nmov eax, 7\nxor edx, edx\nat: wrmsr', unlock);
    expect(r.esi & (1 << 6)).toBe(0); // CPUID.1:ECX.SMX
    expect(fault(r)).toEqual([13, 0, 0, 0]);
    expect(fault(runKernel('mov ecx, 0x3A\nmov eax, 5\nxor edx, edx\nwrmsr\nhlt', unlock))).toBeUndefined();
  });
  test('IA32_MTRR_DEF_TYPE: the reserved memory types 2, 3 and 7–FFH are #GP(0); UC, WC, WT, WP, WB are taken (SDM Vol. 3A Table 11-8)', () => {
    for (const type of [2, 3, 7, 0x42, 0xff]) {
      expect(fault(runKernel(`mov ecx, 0x2FF\nmov eax, ${0x800 | type}\nxor edx, edx\nwrmsr`)), `type ${type}`).toEqual([13, 0, 0, 0]);
    }
    for (const type of [0, 1, 4, 5, 6]) {
      const r = runKernel(`mov ecx, 0x2FF\nmov eax, ${0x800 | type}\nxor edx, edx\nwrmsr\nxor eax, eax\nrdmsr`);
      expect(r.eax, `type ${type}`).toBe(0x800 | type);
    }
  });
  test.each(['xeon-lv', 'xeon-5100', 'nehalem', 'modern'])('MTRRs on %s: CPUID reports MTRR, IA32_MTRRCAP has no range MTRRs (VCNT = FIX = WC = 0), and a range MSR does not exist (SDM Vol. 3A §11.11.1)', (cpu) => {
    const r = runKernel('mov eax, 1\ncpuid\nmov esi, edx\nmov ecx, 0xFE\nrdmsr\nmov edi, eax\nmov ebp, edx\nmov ecx, 0x200\nat: rdmsr', undefined, { cpu });
    expect(r.esi & (1 << 12)).toBe(1 << 12); // CPUID.01H:EDX.MTRR
    expect([r.edi, r.ebp]).toEqual([0, 0]);
    expect(fault(r)).toEqual([13, 0, 0, 0]); // IA32_MTRR_PHYSBASE0: VCNT = 0, so there is none
  });
  test('IA32_BIOS_SIGN_ID takes the write of 0 that precedes CPUID leaf 1 and reads the signature (0, no update loaded) (SDM Vol. 3A §9.11.7.1)', () => {
    const r = runKernel('mov ecx, 0x8B\nxor eax, eax\nxor edx, edx\nwrmsr\nmov eax, 1\ncpuid\nmov ecx, 0x8B\nrdmsr\nmov esi, 1');
    expect(fault(r)).toBeUndefined();
    expect([r.esi, r.edx]).toEqual([1, 0]);
  });
  test('IA32_SYSENTER_CS/ESP/EIP read back what was written', () => {
    const r = runKernel('mov ecx, 0x175\nmov eax, 0x12345678\nxor edx, edx\nwrmsr\nxor eax, eax\nrdmsr');
    expect(r.eax).toBe(0x12345678);
  });
});

describe('RDTSC (SDM Vol. 2 RDTSC: #GP(0) "if the TSD flag in CR4 is set and the CPL is greater than 0")', () => {
  test('counts up; readable at ring 3 while CR4.TSD = 0', () => {
    const r = runKernel(`${toRing3()}rdtsc\nmov esi, eax\nmov edi, edx\nnop\nnop\nrdtsc\nint 0x81`);
    expect(fault(r)).toBeUndefined();
    expect(r.edx * 2 ** 32 + r.eax).toBeGreaterThan(r.edi * 2 ** 32 + r.esi);
  });
  test('CR4.TSD = 1: #GP(0) at ring 3, allowed at ring 0', () => {
    const tsd = 'mov eax, cr4\nor eax, 4\nmov cr4, eax\n';
    expect(fault(runKernel(`${tsd}${toRing3()}rdtsc\nint 0x81`))).toEqual([13, 0, 3, 0]);
    expect(fault(runKernel(`${tsd}rdtsc`))).toBeUndefined();
  });
  test('WRMSR IA32_TIME_STAMP_COUNTER sets the counter', () => {
    const r = runKernel('mov ecx, 0x10\nmov eax, 0\nmov edx, 0x100\nwrmsr\nrdtsc');
    expect(r.edx).toBe(0x100);
    expect(r.eax).toBeLessThan(100);
  });
});

describe('x87 availability (SDM Vol. 3A §2.5 Table 2-2: CR0.EM, CR0.TS, CR0.MP)', () => {
  const FNINIT = 'db 0xDB, 0xE3';
  const FNSTSW_AX = 'db 0xDF, 0xE0';
  test('with EM = TS = 0, FNINIT and FNSTSW AX run', () => {
    const r = runKernel(`${FNINIT}\nmov eax, -1\n${FNSTSW_AX}`);
    expect([fault(r), r.eax]).toEqual([undefined, 0xffff0000]);
  });
  test('CR0.TS = 1: #NM (no error code); CLTS clears TS and the instruction then runs', () => {
    const ts = 'mov eax, cr0\nor eax, 8\nmov cr0, eax\n';
    const r = runKernel(`${ts}at: ${FNINIT}`);
    expect(fault(r)).toEqual([7, null, 0, 0]);
    expect(r.read32(r.esp)).toBe(r.sym.at);
    expect(fault(runKernel(`${ts}clts\n${FNINIT}`))).toBeUndefined();
  });
  test('CR0.EM = 1: #NM', () => {
    expect(fault(runKernel(`mov eax, cr0\nor eax, 4\nmov cr0, eax\n${FNINIT}`))).toEqual([7, null, 0, 0]);
  });
  test('WAIT faults only when both MP and TS are set', () => {
    expect(fault(runKernel('mov eax, cr0\nor eax, 8\nmov cr0, eax\nwait'))).toBeUndefined();
    expect(fault(runKernel('mov eax, cr0\nor eax, 0xA\nmov cr0, eax\nwait'))).toEqual([7, null, 0, 0]);
    expect(fault(runKernel('mov eax, cr0\nor eax, 0x6\nmov cr0, eax\nwait'))).toBeUndefined(); // EM does not affect WAIT
  });
});

describe('CPUID (SDM Vol. 2 CPUID) returns the model’s leaves', () => {
  for (const model of ['xeon-lv', 'xeon-5100', 'nehalem', 'modern']) {
    test(model, () => {
      for (const leaf of [0, 1, 0x80000000, 0x80000001, 0x80000008]) {
        const r = runKernel(`mov eax, ${leaf}\nxor ecx, ecx\ncpuid`, undefined, { cpu: model });
        const e = r.cpu.model.cpuid(leaf, 0);
        expect([r.eax, r.ebx, r.ecx, r.edx], `${model} leaf ${leaf.toString(16)}`).toEqual(e.map((v) => v >>> 0));
      }
      const v = runKernel('xor eax, eax\ncpuid\nmov [0x20000], ebx\nmov [0x20004], edx\nmov [0x20008], ecx', undefined, { cpu: model });
      expect(String.fromCharCode(...Array.from({ length: 12 }, (_, k) => v.read8(0x20000 + k)))).toBe('GenuineIntel');
    });
  }
});

describe('SYSENTER / SYSEXIT (SDM Vol. 2 SYSENTER, SYSEXIT)', () => {
  const msrs = 'xor edx, edx\nmov ecx, 0x174\nmov eax, 0x08\nwrmsr\nmov ecx, 0x175\nmov eax, 0x8F800\nwrmsr\nmov ecx, 0x176\nmov eax, kentry\nwrmsr\n';
  test('SYSEXIT to ring 3 (CS = SYSENTER_CS + 16 | 3, SS = + 24 | 3, EIP = EDX, ESP = ECX), SYSENTER back to ring 0', () => {
    const r = runKernel(`${msrs}mov ecx, 0x8E800\nmov edx, user\nsysexit
      user: mov eax, cs
      mov ebx, ss
      mov esi, esp
      sysenter
      kentry: mov ecx, cs
      mov edx, ss
      mov edi, esp
      pushfd
      pop ebp`, undefined, { eflags: IF | IOPL });
    expect([r.eax, r.ebx, r.esi]).toEqual([0x1b, 0x23, 0x8e800]);
    expect([r.ecx, r.edx, r.edi, r.cpl]).toEqual([0x08, 0x10, 0x8f800, 0]);
    expect(r.ebp & IF).toBe(0); // SYSENTER clears IF (and VM, RF)
    expect(r.events.filter((e) => e.type === 'far-transfer').map((e) => [e.kind, e.cplBefore, e.cplAfter])).toEqual([
      ['sysexit', 0, 3],
      ['sysenter', 3, 0],
    ]);
  });
  test('SYSENTER with SYSENTER_CS = 0 and SYSEXIT at CPL 3 are #GP(0)', () => {
    expect(fault(runKernel('sysenter'))).toEqual([13, 0, 0, 0]);
    expect(fault(runKernel(`${msrs}${toRing3()}sysexit\nkentry: nop`))).toEqual([13, 0, 3, 0]);
  });
});
