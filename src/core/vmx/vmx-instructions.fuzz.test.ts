/**
 * The core under abuse (issue 9 item 2): VMX instructions with garbage operands, in any order, executed as real
 * instructions on the bare machine — VMXON / VMCLEAR / VMPTRLD with unaligned, out-of-RAM, beyond-the-physical-
 * address-width, wrong-revision, shadow-bit and VMXON-region pointers; VMPTRST; VMREAD / VMWRITE with every
 * encoding (the reference's fields, their high halves, and random 32-bit values); VMLAUNCH / VMRESUME on clear,
 * launched, stale (launched before a VMXOFF) and known-good VMCSs; VMCALL and VMXOFF in root operation; and
 * MOV to CR4 clearing VMXE inside VMX operation.
 *
 * Oracle: a model of the instructions' pseudocode (SDM Vol. 3C §30.3), each check in the SDM's order, tracking VMX
 * operation, the VMXON pointer, the current-VMCS pointer and each region's launch state. After every instruction
 * the processor must agree with it: #UD / #GP where the pseudocode raises them (EIP unchanged), and otherwise the
 * RFLAGS encoding of SDM §30.2 (VMsucceed: CF = PF = AF = ZF = SF = OF = 0; VMfailInvalid: CF = 1, the others 0;
 * VMfailValid: ZF = 1, the others 0) with the VM-instruction error (Table 30-1) in the current VMCS. VMREAD
 * returns what VMWRITE stored. Afterwards the conformance rules still hold: a known-good sequence (VMXON if needed,
 * VMCLEAR, VMPTRLD, VMWRITE of a valid VMCS, VMLAUNCH, then VMRESUME) gives its normal result — two CPUID exits
 * (reason 10) to HOST_RIP with RFLAGS = 2 (SDM §27.5.3) — and a snapshot restored into a second machine has the
 * same state hash and the same future.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { FuzzMachine, R, VMX_MEM, enc, execOne, goodVmcsFields, hex, stateHash, diffMachines } from '../../test-support/core-fuzz.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { defaultControls, type ModelId } from './conformance/harness.ts';
import { VMCS_FIELDS, fieldSlot } from './spec/fields.ts';
import { physAddrWidth } from './entry.ts';
import { VO } from './vmcs.ts';

const MODELS: ModelId[] = ['xeon-lv', 'nehalem', 'modern'];
/** VMCS regions the operations pick from: four valid ones, one with the wrong revision, one with bit 31 set. */
const REGION = [0x200000, 0x201000, 0x202000, 0x203000];
const BAD_REV = 0x204000;
const SHADOW = 0x205000;
const ARITH = 0x8d5; // CF PF AF ZF SF OF
const CF = 1;
const ZF = 0x40;

type Addr = [number, number];
type Op =
  | { k: 'vmxon' | 'vmclear' | 'vmptrld'; a: Addr }
  | { k: 'vmptrst' | 'vmlaunch' | 'vmresume' | 'vmxoff' | 'vmcall' | 'good' | 'cr4' }
  | { k: 'vmread'; e: number }
  | { k: 'vmwrite'; e: number; v: number };

const known = VMCS_FIELDS.flatMap((f) => (f.width === 64 ? [f.encoding, f.encoding | 1] : [f.encoding]));
const encodingArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...known) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x7fff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);
const addrArb: fc.Arbitrary<Addr> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...REGION).map((a): Addr => [a, 0]) },
  { weight: 1, arbitrary: fc.constantFrom(BAD_REV, SHADOW, VMX_MEM.GOOD_VMXON - 0x10000).map((a): Addr => [a, 0]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...REGION), fc.integer({ min: 1, max: 0xfff })).map(([a, d]): Addr => [a + d, 0]) },
  // Out of RAM (16 MiB) but inside the physical-address width: reads all ones (physical-memory.ts).
  { weight: 1, arbitrary: fc.integer({ min: 0x1000, max: 0xfffff }).map((p): Addr => [(p * 0x1000) >>> 0, 0]) },
  // Bits above the physical-address width.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 31 }), fc.constantFrom(...REGION)).map(([b, a]): Addr => [a, (1 << b) >>> 0]) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constantFrom('vmxon' as const, 'vmclear' as const, 'vmptrld' as const), a: addrArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('vmptrst' as const, 'vmlaunch' as const, 'vmresume' as const, 'vmxoff' as const, 'vmcall' as const, 'good' as const, 'cr4' as const) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('vmread' as const), e: encodingArb }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('vmwrite' as const), e: encodingArb, v: fc.integer({ min: 0, max: 0xffffffff }) }) },
);

/** The model's view of VMX operation (SDM Vol. 3C Ch. 23–24). */
interface Model {
  on: boolean;
  vmxon: number;
  current: number;
  epoch: number;
  /** Launch state per region address: absent = clear, otherwise the VMXON epoch it was launched in. */
  launched: Map<number, number>;
  /** Regions holding the known-good VMCS untouched since. */
  good: Set<number>;
  /** Field values known per region: encoding → value as written. */
  values: Map<number, Map<number, number>>;
}

type Expect = { fault: number } | { result: 'done' } | { result: 'succeed' } | { result: 'invalid' } | { result: 'valid'; error: number } | { result: 'entry' };

describe.each(MODELS)('VMX instructions with garbage operands on %s', (cpuId) => {
  const a = new FuzzMachine(cpuId);
  const b = new FuzzMachine(cpuId);
  const m = a.m;
  const c = m.cpu;
  const rev = m.cpu.model.vmcsRevisionId;
  const ctl = defaultControls(cpuId);
  const misc = c.model.capabilityMsr(0x485);
  const vmwriteAny = misc !== undefined && (misc.lo & (1 << 29)) !== 0;
  const width = physAddrWidth(c);

  function prepare(f: FuzzMachine): void {
    f.reset();
    const mem = f.m.mem;
    for (const r of REGION) mem.write32(r, rev);
    mem.write32(BAD_REV, rev + 1);
    mem.write32(SHADOW, (rev | 0x80000000) >>> 0);
    mem.write32(VMX_MEM.GOOD_VMXON, rev);
    mem.write32(VMX_MEM.GOOD_VMCS, rev);
    f.poke(VMX_MEM.HOST_RIP, [0xf4]);
    f.poke(VMX_MEM.GUEST_RIP, [0x0f, 0xa2, 0xf4]);
    f.m.cpu.cr4 |= 0x2000; // CR4.VMXE: VMXON needs it (SDM Vol. 3C §23.7)
  }

  const addrOk = (p: Addr): boolean => (p[0] & 0xfff) === 0 && (width >= 64 || (width <= 32 ? p[1] === 0 : p[1] >>> (width - 32) === 0));
  const addrOf = (p: Addr): number => p[1] * 0x100000000 + p[0];
  const revAt = (p: Addr): number => (p[1] === 0 ? m.mem.read32(p[0]) >>> 0 : 0xffffffff);
  const fail = (md: Model, n: number): Expect => (md.current !== -1 ? { result: 'valid', error: n } : { result: 'invalid' });

  /** The SDM pseudocode of each instruction (Vol. 3C §30.3), for VMX root operation at CPL 0 in protected mode. */
  function expected(md: Model, op: Op): Expect {
    const vmxe = (c.cr4 & 0x2000) !== 0;
    switch (op.k) {
      case 'cr4':
        // CR4.VMXE is fixed to 1 in VMX operation (IA32_VMX_CR4_FIXED0, SDM Vol. 3C §23.8): clearing it is #GP(0).
        // (MOV to CR4 leaves the arithmetic flags undefined: only the fault and the effect are checked.)
        return md.on && vmxe ? { fault: 13 } : { result: 'done' };
      case 'vmxon':
        if (!vmxe) return { fault: 6 };
        if (!md.on) {
          if (!addrOk(op.a) || (revAt(op.a) & 0x7fffffff) !== rev || revAt(op.a) >>> 31 !== 0) return { result: 'invalid' };
          return { result: 'succeed' };
        }
        return fail(md, 15);
      case 'good':
        return md.on && md.current !== -1 ? { result: 'succeed' } : { result: 'invalid' };
      default:
        break;
    }
    if (!md.on) return { fault: 6 }; // outside VMX operation every other VMX instruction is #UD
    switch (op.k) {
      case 'vmxoff':
        return { result: 'succeed' };
      case 'vmcall':
        return fail(md, 1);
      case 'vmclear':
        if (!addrOk(op.a)) return fail(md, 2);
        if (addrOf(op.a) === md.vmxon) return fail(md, 3);
        return { result: 'succeed' };
      case 'vmptrld':
        if (!addrOk(op.a)) return fail(md, 9);
        if (addrOf(op.a) === md.vmxon) return fail(md, 10);
        if ((revAt(op.a) & 0x7fffffff) !== rev || revAt(op.a) >>> 31 !== 0) return fail(md, 11);
        return { result: 'succeed' };
      case 'vmptrst':
        return { result: 'succeed' };
      case 'vmread':
      case 'vmwrite': {
        if (md.current === -1) return { result: 'invalid' };
        const slot = fieldSlot(op.e | 0);
        if (slot < 0 || c.model.vmcsSlotSupported[slot] !== 1) return { result: 'valid', error: 12 };
        if (op.k === 'vmwrite' && VMCS_FIELDS[slot].type === 'exit-info' && !vmwriteAny) return { result: 'valid', error: 13 };
        return { result: 'succeed' };
      }
      case 'vmlaunch':
      case 'vmresume': {
        if (md.current === -1) return { result: 'invalid' };
        const l = md.launched.get(md.current);
        if (op.k === 'vmlaunch' && l !== undefined) return { result: 'valid', error: 4 };
        if (op.k === 'vmresume' && l === undefined) return { result: 'valid', error: 5 };
        if (op.k === 'vmresume' && l !== md.epoch) return { result: 'valid', error: 6 };
        return { result: 'entry' };
      }
    }
    return { result: 'succeed' };
  }

  function bytesOf(op: Op): number[] {
    switch (op.k) {
      case 'vmxon': return enc.vmxon();
      case 'vmclear': return enc.vmclear();
      case 'vmptrld': return enc.vmptrld();
      case 'vmptrst': return enc.vmptrst();
      case 'vmread': return enc.vmreadRR(R.ebx, R.eax);
      case 'vmwrite': return enc.vmwriteRR(R.eax, R.ebx);
      case 'vmlaunch': return enc.vmlaunch();
      case 'vmresume': return enc.vmresume();
      case 'vmxoff': return enc.vmxoff();
      case 'vmcall': return enc.vmcall();
      case 'cr4': return enc.movCr4Eax();
      default: return [0x90];
    }
  }

  /** Runs the known-good VMWRITEs as instructions; true when all succeeded. */
  function writeGood(f: FuzzMachine): boolean {
    for (const [e, v] of goodVmcsFields(f.m, ctl)) {
      const r = execOne(f, enc.vmwriteRR(R.eax, R.ebx), { eax: e, ebx: v });
      if (r.fault !== null || (f.m.cpu.getEflags() & ARITH) !== 0) return false;
    }
    return true;
  }

  /**
   * Launches (or resumes) the current known-good VMCS and checks the outcome from the trace: one VM entry, then the
   * guest's CPUID exits (reason 10, SDM Vol. 3C §25.1.2) to HOST_RIP with RFLAGS = 2 (SDM §27.5.3). (VMLAUNCH and
   * the exiting CPUID retire no instruction, so one `run(1)` may already reach the host's HLT.)
   */
  function launchGood(f: FuzzMachine, resume: boolean, where: string): void {
    const fc2 = f.m.cpu;
    f.events.length = 0;
    f.collect = true;
    const r = execOne(f, resume ? enc.vmresume() : enc.vmlaunch());
    expect(r.fault, where).toBeNull();
    if (r.reason !== 'halted') expect(f.m.run(10).reason, where).toBe('halted');
    f.collect = false;
    const seen = f.events.filter((e) => e.type === 'vmentry' || e.type === 'vmexit' || e.type === 'vmfail').map((e) => (e.type === 'vmexit' ? `vmexit ${e.reason}` : e.type));
    expect(seen, `${resume ? 'VMRESUME' : 'VMLAUNCH'} of the known-good VMCS: ${where}`).toEqual(['vmentry', 'vmexit 10']);
    expect(fc2.vmx.nonRoot, where).toBe(false);
    expect(fc2.eip >>> 0, where).toBe(VMX_MEM.HOST_RIP + 1);
    expect(fc2.getEflags() >>> 0, 'RFLAGS after a VM exit (SDM §27.5.3)').toBe(2);
    expect(f.m.mem.read32(fc2.vmx.vmcsPtr + VO.VM_EXIT_REASON), where).toBe(10);
  }

  const runs = fuzzRuns(100);
  test(`each instruction's fault or VMsucceed / VMfailInvalid / VMfailValid(n) matches the SDM pseudocode, and a known-good sequence works afterwards (${runs} sequences)`, () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 0xffffffff }), (ops, flags0) => {
        prepare(a);
        const md: Model = { on: false, vmxon: -1, current: -1, epoch: 0, launched: new Map(), good: new Set(), values: new Map() };
        const log: string[] = [];
        for (const op of ops) {
          log.push(JSON.stringify(op));
          const where = `${cpuId}: ${log.join(' → ')}`;
          const want = expected(md, op);
          // Random arithmetic flags before each instruction: VMsucceed / VMfail must set or clear all six.
          c.setEflags(flags0, ARITH);
          flags0 = (Math.imul(flags0, 1103515245) + 12345) >>> 0;
          const eip0 = VMX_MEM.CODE;
          let r;
          try {
            if (op.k === 'good') {
              if ('result' in want && want.result === 'succeed') {
                expect(writeGood(a), where).toBe(true);
                md.good.add(md.current);
                md.values.delete(md.current);
              }
              continue;
            }
            const regs = op.k === 'vmread' ? { eax: op.e } : op.k === 'vmwrite' ? { eax: op.e, ebx: op.v } : op.k === 'cr4' ? { eax: c.cr4 ^ 0x2000 } : {};
            r = execOne(a, bytesOf(op), regs, 'a' in op ? op.a : [0, 0]);
          } catch (e) {
            throw new Error(`threw on ${where}: ${(e as Error).stack ?? e}`);
          }
          if ('fault' in want) {
            expect(r.fault, where).toBe(want.fault);
            expect(c.eip >>> 0, where).toBe(eip0);
            continue;
          }
          expect(r.fault, where).toBeNull();
          if (want.result === 'entry') {
            // Entry attempted: VMfailValid for an invalid control (7) or host-state (8) field, or the entry happened
            // (into the guest, or failed on guest state with exit reason 33 / MSR loading with 34, bit 31 set).
            const f = c.getEflags() & ARITH;
            if (md.good.has(md.current)) {
              // Entered; the guest's CPUID may already have exited back to HOST_RIP (reason 10).
              const back = !c.vmx.nonRoot && c.eip >>> 0 === VMX_MEM.HOST_RIP + 1 && m.mem.read32(md.current + VO.VM_EXIT_REASON) === 10;
              expect(c.vmx.nonRoot || back, `known-good VMCS enters: ${where}`).toBe(true);
              if (back) {
                if (op.k === 'vmlaunch') md.launched.set(md.current, md.epoch);
                md.values.delete(md.current);
                continue;
              }
            }
            if (!c.vmx.nonRoot && f === ZF) {
              const err = m.mem.read32(md.current + VO.VM_INSTRUCTION_ERROR);
              expect([7, 8], where).toContain(err);
              continue;
            }
            // The entry was attempted: in the guest, or back at HOST_RIP with a failed-entry exit reason.
            if (!c.vmx.nonRoot) {
              const reason = m.mem.read32(md.current + VO.VM_EXIT_REASON) >>> 0;
              expect([0x80000021, 0x80000022], `${hex(reason)} ${where}`).toContain(reason);
              return; // host state is whatever the VMCS said: the sequence ends here
            }
            if (!md.good.has(md.current)) return; // a guest from random fields: the sequence ends here
            expect(a.m.run(10).reason, where).toBe('halted');
            expect(c.vmx.nonRoot, where).toBe(false);
            expect(m.mem.read32(md.current + VO.VM_EXIT_REASON), where).toBe(10);
            if (op.k === 'vmlaunch') md.launched.set(md.current, md.epoch);
            md.values.delete(md.current);
            continue;
          }
          if (want.result === 'done') {
            expect((c.cr4 & 0x2000) !== 0, where).toBe(((c.regs[R.eax] & 0x2000) !== 0));
            continue;
          }
          const f = c.getEflags() & ARITH;
          if (want.result === 'succeed') expect(f, `VMsucceed flags for ${where}`).toBe(0);
          else if (want.result === 'invalid') expect(f, `VMfailInvalid flags for ${where}`).toBe(CF);
          else {
            expect(f, `VMfailValid flags for ${where}`).toBe(ZF);
            expect(m.mem.read32(md.current + VO.VM_INSTRUCTION_ERROR), `VM-instruction error for ${where}`).toBe(want.error);
          }
          expect(c.eip >>> 0, where).toBe(eip0 + bytesOf(op).length);
          if (want.result !== 'succeed') continue;
          // Update the model (SDM pseudocode effects).
          switch (op.k) {
            case 'cr4':
              break;
            case 'vmxon':
              md.on = true;
              md.vmxon = addrOf(op.a);
              md.current = -1;
              md.epoch++;
              break;
            case 'vmxoff':
              md.on = false;
              md.vmxon = -1;
              md.current = -1;
              break;
            case 'vmclear': {
              const p = addrOf(op.a);
              md.launched.delete(p);
              if (p === md.current) md.current = -1;
              break;
            }
            case 'vmptrld':
              md.current = addrOf(op.a);
              break;
            case 'vmptrst': {
              const lo = m.mem.read32(VMX_MEM.OPERAND) >>> 0;
              const hi = m.mem.read32(VMX_MEM.OPERAND + 4) >>> 0;
              expect(md.current === -1 ? [0xffffffff, 0xffffffff] : [md.current, 0], where).toEqual([lo, hi]);
              break;
            }
            case 'vmwrite': {
              md.good.delete(md.current);
              let vals = md.values.get(md.current);
              if (vals === undefined) md.values.set(md.current, (vals = new Map()));
              vals.delete(op.e ^ 1);
              vals.set(op.e, op.v);
              break;
            }
            case 'vmread': {
              const v = md.values.get(md.current)?.get(op.e);
              if (v !== undefined) {
                const w = VMCS_FIELDS[fieldSlot(op.e)].width;
                expect(c.regs[R.ebx] >>> 0, `VMREAD after VMWRITE: ${where}`).toBe(w === 16 && (op.e & 1) === 0 ? v & 0xffff : v);
              }
              break;
            }
            default:
              break;
          }
        }

        // ---- afterwards: the known-good sequence gives its normal result.
        const where = `known-good sequence after ${cpuId}: ${log.join(' → ')}`;
        if (c.vmx.nonRoot) return;
        if (!md.on) {
          if ((c.cr4 & 0x2000) === 0) expect(execOne(a, enc.movCr4Eax(), { eax: c.cr4 | 0x2000 }).fault, where).toBeNull();
          expect(execOne(a, enc.vmxon(), {}, [VMX_MEM.GOOD_VMXON, 0]).fault, where).toBeNull();
          expect(c.getEflags() & ARITH, where).toBe(0);
        }
        expect(execOne(a, enc.vmclear(), {}, [VMX_MEM.GOOD_VMCS, 0]).fault, where).toBeNull();
        expect(c.getEflags() & ARITH, where).toBe(0);
        expect(execOne(a, enc.vmptrld(), {}, [VMX_MEM.GOOD_VMCS, 0]).fault, where).toBeNull();
        expect(c.getEflags() & ARITH, where).toBe(0);
        expect(writeGood(a), where).toBe(true);
        launchGood(a, false, where);

        // ---- and a snapshot restored into a second machine is the same machine, with the same future.
        const snap = m.snapshot(false);
        prepare(b);
        const pages: number[] = [];
        for (let p = 0; p < m.mem.dirtyPages.length; p++) {
          if (m.mem.dirtyPages[p] !== 0) {
            pages.push(p);
            b.m.mem.load(p * 4096, m.mem.bytes.subarray(p * 4096, p * 4096 + 4096));
          }
        }
        b.m.restore(snap);
        expect(stateHash(b.m), where).toBe(stateHash(m));
        launchGood(a, true, where);
        launchGood(b, true, where);
        expect(diffMachines(m, b.m, pages), where).toBeNull();
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 400));
});
