/**
 * Property: whatever VMM settings a student (or a tampered link) picks, the simulator never fails — the run
 * ends in a defined way: the guest halts or powers off, the VM crashes with a message that says why (VM entry
 * failed, triple fault, livelock, …), or the instruction limit is reached — and the same settings give the same run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpuModelIds } from '../cpu-models/index.ts';
import { runLab } from '../lab/run.ts';
import { NullSink } from '../trace/sink.ts';
import { loadScenarioSource } from '../scenarios/index.ts';
import { CONTROL_WORDS, type ControlWord } from './controls-check.ts';
import { validateVmmSettings, type RawControlBits, type VmmSettings } from './settings.ts';

/** A guest that touches what the settings change: CR0/CR3/CR4, paging and INVLPG, RDTSC, MSRs, I/O, INT3, HLT. */
const MIXED = `
start:
  mov edi, 0x3000            ; IDT: every vector goes to 'trap', which counts and returns
  mov ecx, 32
.idt:
  mov eax, trap
  mov [edi], ax
  mov word [edi+2], 0x08
  mov word [edi+4], 0x8E00
  shr eax, 16
  mov [edi+6], ax
  add edi, 8
  dec ecx
  jnz .idt
  lidt [idtr]
  mov eax, cr0
  mov eax, cr4
  or eax, 0x10
  mov cr4, eax
  mov edi, 0x200000
  mov ecx, 2048
  xor eax, eax
  rep stosd
  mov edi, 0x201000
  mov eax, 0x7
  mov ecx, 1024
.pt:
  stosd
  add eax, 0x1000
  dec ecx
  jnz .pt
  mov dword [0x200000], 0x201007
  mov eax, 0x200000
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80010000
  mov cr0, eax
  mov esi, cr3
  mov dword [0x201000 + 0x50 * 4], 0x51007
  invlpg [0x50000]
  mov eax, [0x50000]
  rdtsc
  mov ecx, 0x10
  wrmsr
  mov ecx, 0x174
  rdmsr
  mov ecx, 0x3a
  rdmsr
  int3
  mov dx, 0x3f8
  mov al, 'x'
  out dx, al
  in al, 0x21
  mov al, 0x36
  out 0x43, al
  clts
  mov eax, 1
  cpuid
  sti
  hlt
  cli
  hlt
trap:
  inc dword [0x4000]
  iretd
idtr:
  dw 32*8-1
  dd 0x3000
`;

const KERNEL = loadScenarioSource('kernel')!;
const ENDS = ['halted', 'poweroff', 'vm-crash', 'triple-fault', 'limit'];

const bit = fc.integer({ min: 0, max: 31 }).map((b) => (1 << b) >>> 0);
const u32 = fc.oneof(bit, fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 0xffffffff));
const raw: fc.Arbitrary<RawControlBits> = fc.record({ set: fc.oneof(bit, u32), clear: fc.oneof(bit, u32) }, { requiredKeys: [] });
const rawControls = fc.dictionary(fc.constantFrom(...CONTROL_WORDS), raw, { maxKeys: 2 }) as fc.Arbitrary<Partial<Record<ControlWord, RawControlBits>>>;

/** Each setting is given about a third of the time (raw bits less often), so that many runs get past VM entry. */
const some = <T>(a: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight, arbitrary: a });

const settingsArb: fc.Arbitrary<VmmSettings> = fc.record({
  hltExiting: some(fc.boolean()),
    rdtscExiting: some(fc.boolean()),
    invlpgExiting: some(fc.boolean()),
    cr3LoadExiting: some(fc.boolean()),
    cr3StoreExiting: some(fc.boolean()),
    cr0GuestHostMask: some(fc.oneof(u32, fc.constantFrom(0x60000021, 0x80000021, 0xe0010029, 0x20))),
    cr0ReadShadow: some(fc.oneof(u32, fc.constantFrom(0x31, 0x80000031, 0x39))),
    cr4GuestHostMask: some(fc.oneof(u32, fc.constantFrom(0x20b0, 0x2000, 0))),
    cr4ReadShadow: some(fc.oneof(u32, fc.constantFrom(0, 0x10))),
    ioPassthroughPorts: some(fc.array(fc.oneof(fc.constantFrom(0x20, 0x21, 0x40, 0x43, 0x61, 0xa0, 0xa1, 0x3f8, 0x3fd), fc.integer({ min: 0, max: 0xffff })), { maxLength: 6 })),
    msrPassthrough: some(fc.array(fc.constantFrom(0x10, 0x1b, 0x3a, 0x8b, 0x174, 0x175, 0x176, 0x1d9, 0x277, 0x2ff, 0x480, 0x48b, 0xc0000080, 0xc0000103), { maxLength: 4 })),
    exceptionBitmap: some(fc.oneof(u32, fc.constantFrom(0, 1 << 14, (1 << 3) | (1 << 14), 1 << 13))),
    ept: some(fc.boolean()),
    preemptionTimer: some(fc.boolean()),
    rawControls: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: rawControls }),
}).map((s0) => {
  const s = s0 as VmmSettings;
  for (const k of Object.keys(s) as (keyof VmmSettings)[]) if (s[k] === undefined) delete s[k];
  // Set and clear the same bit is rejected by the validator: let "clear" drop those bits.
  for (const w of CONTROL_WORDS) {
    const r = s.rawControls?.[w];
    if (r?.set !== undefined && r.clear !== undefined) r.clear = (r.clear & ~r.set) >>> 0;
  }
  return s;
});

function runOnce(program: string, cpu: string, settings: VmmSettings, maxSteps: number) {
  const r = runLab(program, { cpu, maxSteps, trace: new NullSink(), vmm: settings });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.end as Record<string, unknown>;
}

describe.each(cpuModelIds())('random VMM settings on %s', (cpu) => {
  it('never crash the simulator, end in a defined way, and are deterministic', () => {
    fc.assert(
      fc.property(settingsArb, fc.boolean(), (s, kernel) => {
        const v = validateVmmSettings(s);
        expect(v.ok, JSON.stringify(v)).toBe(true);
        if (!v.ok) return;
        const program = kernel ? KERNEL : MIXED;
        const steps = kernel ? 60_000 : 20_000;
        const end = runOnce(program, cpu, v.settings, steps);
        expect(ENDS, JSON.stringify(v.settings)).toContain(end.reason);
        if (end.reason === 'vm-crash' || end.reason === 'triple-fault') expect(String(end.vmMessage).length).toBeGreaterThan(10);
        expect(runOnce(program, cpu, v.settings, steps)).toEqual(end);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
