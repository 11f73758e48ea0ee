/**
 * The core under abuse (issue 9 item 2): VMCS fields written with every bit pattern. Starting from a known-good
 * VMCS (controls at their allowed-0 settings, the bare machine's own host state, a flat 32-bit guest), random
 * 32-bit values, single-bit flips of the good value, and all-zero / all-one / sign-bit patterns are VMWRITten
 * (with the high halves of 64-bit fields) into the guest-state, host-state or control fields, or into every field
 * the CPU model supports, and then VMLAUNCH runs the result.
 *
 * Each run must end in a defined outcome (never a JavaScript exception), classified from the trace:
 *  - VMfailValid with VM-instruction error 7 (control field) or 8 (host-state field) — the only errors VMLAUNCH of
 *    a clear, current VMCS can give here (SDM Vol. 3C §26.1–26.2, Table 30-1);
 *  - a VM-entry failure: a VM exit with basic reason 33 (guest state) or 34 (MSR loading) and bit 31 set, and an
 *    exit qualification of 0, 2, 3 or 4 for reason 33 (SDM §26.3, §26.8, Table 27-2 … "VM-entry failure");
 *  - a VM entry, then whatever the guest does (VM exits, guest faults, triple fault, the step limit);
 *  - a VMX abort (SDM §27.7) when loading host MSRs fails on the VM exit that reports a VM-entry failure or ends
 *    the guest, with the abort indicator written to the VMCS;
 * and the SDM's check order holds: guest-state fields alone never make VMLAUNCH VMfail (the control and host
 * checks come first and read no guest field, §26.1–26.3); host-state fields alone never make it fail with 7 or
 * with exit reason 33/34.
 *
 * Afterwards the machine is consistent: a snapshot restored into a second machine has the same state hash and the
 * same future; and when the processor is back in VMX root operation with the known-good host state, a fresh
 * known-good VMCS still launches and gives its CPUID exit (reason 10).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { FuzzMachine, R, VMX_MEM, diffMachines, enc, execOne, goodVmcsFields, hex, stateHash } from '../../test-support/core-fuzz.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { defaultControls, type ModelId } from './conformance/harness.ts';
import { VMCS_FIELDS, fieldSlot } from './spec/fields.ts';
import { vmwrite, VMX_SUCCEED } from './instructions.ts';
import { VO } from './vmcs.ts';
import { GDT_BASE, PAGE_DIRECTORY, writeStandardTables } from '../machine/layout.ts';

const MODELS: ModelId[] = ['xeon-lv', 'nehalem', 'modern'];
const ARITH = 0x8d5;
const ZF = 0x40;
const FRESH_VMCS = 0x212000;

type Scope = 'guest' | 'host' | 'control' | 'any' | 'every';
type Pattern = { p: 'random'; v: number; hi: number } | { p: 'flip'; bit: number } | { p: 'const'; v: number };

const patternArb: fc.Arbitrary<Pattern> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ p: fc.constant('random' as const), v: fc.integer({ min: 0, max: 0xffffffff }), hi: fc.integer({ min: 0, max: 0xffffffff }) }) },
  { weight: 3, arbitrary: fc.record({ p: fc.constant('flip' as const), bit: fc.integer({ min: 0, max: 31 }) }) },
  { weight: 1, arbitrary: fc.record({ p: fc.constant('const' as const), v: fc.constantFrom(0, 0xffffffff, 0x80000000, 1, 0xffff) }) },
);

describe.each(MODELS)('VMCS fields with every bit pattern, then VMLAUNCH, on %s', (cpuId) => {
  const a = new FuzzMachine(cpuId);
  const b = new FuzzMachine(cpuId);
  const m = a.m;
  const c = m.cpu;
  const rev = c.model.vmcsRevisionId;
  const ctl = defaultControls(cpuId);
  // Fields of each kind this model supports (exit-information fields are read-only: not written here).
  const supported = VMCS_FIELDS.filter((f) => c.model.vmcsSlotSupported[fieldSlot(f.encoding)] === 1 && f.type !== 'exit-info');
  const byScope: Record<Exclude<Scope, 'every'>, number[]> = {
    guest: supported.filter((f) => f.type === 'guest').map((f) => f.encoding),
    host: supported.filter((f) => f.type === 'host').map((f) => f.encoding),
    control: supported.filter((f) => f.type === 'control').map((f) => f.encoding),
    any: supported.map((f) => f.encoding),
  };
  const width64 = new Set(supported.filter((f) => f.width === 64).map((f) => f.encoding));

  /** VMXON, then a current, clear VMCS at `vmcs` holding the known-good fields (the semantic VMWRITE: quick). */
  function prepare(f: FuzzMachine, vmcs: number): Map<number, number> {
    f.reset();
    const mem = f.m.mem;
    mem.write32(VMX_MEM.GOOD_VMXON, rev);
    mem.write32(vmcs, rev);
    f.poke(VMX_MEM.HOST_RIP, [0xf4]);
    f.poke(VMX_MEM.GUEST_RIP, [0x0f, 0xa2, 0xf4]);
    f.m.cpu.cr4 |= 0x2000;
    expect(execOne(f, enc.vmxon(), {}, [VMX_MEM.GOOD_VMXON, 0]).fault).toBeNull();
    expect(execOne(f, enc.vmclear(), {}, [vmcs, 0]).fault).toBeNull();
    expect(execOne(f, enc.vmptrld(), {}, [vmcs, 0]).fault).toBeNull();
    const good = new Map<number, number>();
    for (const [e, v] of goodVmcsFields(f.m, ctl)) {
      expect(vmwrite(f.m.cpu, e, v)).toBe(VMX_SUCCEED);
      good.set(e, v);
    }
    return good;
  }

  /** Puts back what a random guest may have overwritten: tables, identity map, stubs (a VMM repairing its memory). */
  function repair(f: FuzzMachine): void {
    const mem = f.m.mem;
    writeStandardTables((addr, v) => mem.write32(addr, v));
    mem.write32(GDT_BASE + 5 * 8 + 4, mem.read32(GDT_BASE + 5 * 8 + 4) | 0x200);
    for (let k = 0; k < 1024; k++) mem.write32(PAGE_DIRECTORY + 4 * k, k * 0x400000 < mem.size ? ((k << 22) | 0x87) | 0 : 0);
    f.poke(VMX_MEM.HOST_RIP, [0xf4]);
    f.poke(VMX_MEM.GUEST_RIP, [0x0f, 0xa2, 0xf4]);
    mem.write32(FRESH_VMCS, rev);
  }

  const runs = fuzzRuns(100);
  test(`VMfail 7/8, VM-entry failure 33/34 or an entry — in the SDM's check order — and a consistent machine afterwards (${runs} VMCSs)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Scope>('guest', 'guest', 'host', 'control', 'control', 'any', 'every'),
        fc.array(fc.tuple(fc.nat(), patternArb, fc.boolean()), { minLength: 1, maxLength: 12 }),
        patternArb,
        (scope, picks, everyPattern) => {
          const good = prepare(a, VMX_MEM.GOOD_VMCS);
          // The writes: [encoding, value, high half or null].
          const writes: Array<[number, number, number | null]> = [];
          const valueOf = (e: number, p: Pattern, k: number): number => {
            const g = good.get(e) ?? 0;
            if (p.p === 'flip') return (g ^ (1 << ((p.bit + k) & 31))) >>> 0;
            if (p.p === 'const') return p.v;
            return (p.v + Math.imul(k, 0x9e3779b9)) >>> 0;
          };
          if (scope === 'every') byScope.any.forEach((e, k) => writes.push([e, valueOf(e, everyPattern, k), width64.has(e) && everyPattern.p === 'random' ? everyPattern.hi : null]));
          else {
            const list = byScope[scope];
            for (const [n, p, high] of picks) {
              const e = list[n % list.length];
              writes.push([e, valueOf(e, p, n), width64.has(e) && high && p.p === 'random' ? p.hi : null]);
            }
          }
          const where = `${cpuId} ${scope}: ${writes.map(([e, v, h]) => `${hex(e)}=${hex(v)}${h === null ? '' : ':' + hex(h)}`).join(' ')}`;
          a.events.length = 0;
          a.collect = true;
          let end: string;
          try {
            for (const [e, v, h] of writes) {
              expect(execOne(a, enc.vmwriteRR(R.eax, R.ebx), { eax: e, ebx: v }).fault, where).toBeNull();
              if (h !== null) expect(execOne(a, enc.vmwriteRR(R.eax, R.ebx), { eax: e | 1, ebx: h }).fault, where).toBeNull();
            }
            a.events.length = 0;
            const r = execOne(a, enc.vmlaunch());
            expect(r.fault, `VMLAUNCH faulted: ${where}`).toBeNull();
            end = r.reason === 'limit' ? a.run(300).reason : r.reason;
          } catch (e) {
            if (e instanceof Error && /expected|assert/i.test(e.message)) throw e;
            throw new Error(`threw on ${where}: ${(e as Error).stack ?? e}`);
          }
          a.collect = false;
          expect(['halted', 'triple-fault', 'unhandled-exception', 'limit', 'vmx-abort'], where).toContain(end);
          const first = a.events.find((e) => e.type === 'vmfail' || e.type === 'vmentry' || e.type === 'vmexit' || e.type === 'shutdown');
          expect(first, `VMLAUNCH left no trace: ${where}`).toBeDefined();
          let hostIsGood = false;
          if (first!.type === 'vmfail') {
            expect(first!.kind, where).toBe('valid');
            expect([7, 8], where).toContain(first!.error as number);
            expect(c.getEflags() & ARITH, where).toBe(ZF);
            expect(m.mem.read32(VMX_MEM.GOOD_VMCS + VO.VM_INSTRUCTION_ERROR), where).toBe(first!.error);
            if (scope === 'guest') expect.fail(`guest-state fields made VMLAUNCH VMfail(${first!.error}): ${where}`);
            if (scope === 'host') expect(first!.error, where).toBe(8);
            hostIsGood = true;
          } else if (first!.type === 'shutdown') {
            // A VMX abort: loading host state or MSRs failed on the VM-entry failure's (or a later) VM exit
            // (SDM Vol. 3C §27.7: 1 saving guest MSRs, 2 host PDPTE, 4 loading host MSRs). Never from guest
            // fields alone: the MSR lists are controls, and the host state passed its checks.
            expect(end, where).toBe('vmx-abort');
            expect([1, 2, 4], where).toContain(c.vmxAbortCode);
            expect(m.mem.read32(VMX_MEM.GOOD_VMCS + 4), `VMX-abort indicator in the VMCS: ${where}`).toBe(c.vmxAbortCode);
            expect(scope, where).not.toBe('guest');
          } else if (first!.type === 'vmexit') {
            // No VM entry happened: a VM-entry failure (bit 31 set, SDM §26.8).
            const reason = first!.reason as number;
            const full = m.mem.read32(VMX_MEM.GOOD_VMCS + VO.VM_EXIT_REASON) >>> 0;
            expect([33, 34], where).toContain(reason);
            expect(full, where).toBe((0x80000000 | reason) >>> 0);
            if (reason === 33) expect([0, 2, 3, 4], where).toContain(m.mem.read32(VMX_MEM.GOOD_VMCS + VO.EXIT_QUALIFICATION));
            expect(scope, `host-state fields gave a VM-entry failure: ${where}`).not.toBe('host');
            if (scope === 'guest') {
              // Host state is the good one: back at HOST_RIP, RFLAGS = 2 (SDM §26.8, §27.5.3).
              expect(c.vmx.nonRoot, where).toBe(false);
              expect(c.eip >>> 0, where).toBe(VMX_MEM.HOST_RIP + 1);
              expect(c.getEflags() >>> 0, where).toBe(2);
            }
            hostIsGood = scope === 'guest' || scope === 'control';
          } else {
            hostIsGood = scope === 'guest' || scope === 'control';
          }

          // A snapshot restored into a second machine: the same state hash, and the same next 200 steps.
          const snap = m.snapshot(false);
          b.reset();
          const pages: number[] = [];
          for (let p = 0; p < m.mem.dirtyPages.length; p++) {
            if (m.mem.dirtyPages[p] !== 0) {
              pages.push(p);
              b.m.mem.load(p * 4096, m.mem.bytes.subarray(p * 4096, p * 4096 + 4096));
            }
          }
          b.m.restore(snap);
          expect(stateHash(b.m), `state hash after restore: ${where}`).toBe(stateHash(m));
          const ra = a.run(200);
          const rb = b.run(200);
          expect(rb, where).toEqual(ra);
          expect(diffMachines(m, b.m, pages), `restored machine diverged: ${where}`).toBeNull();

          // Back in root operation on the known-good host state: a fresh known-good VMCS still launches.
          if (!hostIsGood || c.vmx.nonRoot || !c.vmx.on || c.cpl !== 0) return;
          repair(a);
          expect(execOne(a, enc.vmclear(), {}, [FRESH_VMCS, 0]).fault, where).toBeNull();
          expect(execOne(a, enc.vmptrld(), {}, [FRESH_VMCS, 0]).fault, where).toBeNull();
          expect(c.getEflags() & ARITH, `VMPTRLD of a fresh VMCS after ${where}`).toBe(0);
          for (const [e, v] of goodVmcsFields(m, ctl)) expect(execOne(a, enc.vmwriteRR(R.eax, R.ebx), { eax: e, ebx: v }).fault, where).toBeNull();
          a.events.length = 0;
          a.collect = true;
          const r = execOne(a, enc.vmlaunch());
          if (r.reason !== 'halted') a.run(10);
          a.collect = false;
          const seen = a.events.filter((e) => e.type === 'vmentry' || e.type === 'vmexit' || e.type === 'vmfail').map((e) => (e.type === 'vmexit' ? `vmexit ${e.reason}` : `${e.type}${e.error ? ' ' + e.error : ''}`));
          expect(seen, `known-good VMLAUNCH after ${where}`).toEqual(['vmentry', 'vmexit 10']);
          expect(c.eip >>> 0, where).toBe(VMX_MEM.HOST_RIP + 1);
        },
      ),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 400));
});
