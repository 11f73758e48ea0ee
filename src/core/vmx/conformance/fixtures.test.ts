/**
 * Lab-file fixtures (`fixtures/*.s`): self-contained bare-mode programs in the format the conformance suite
 * drives, run through `runLab` on every CPU model. They discover capabilities from the VMX MSRs at run time,
 * so one file covers all models; variants are made by editing one line of the source.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runLab } from '../../lab/run.ts';
import { JsonSink, type TraceRecord } from '../../trace/json.ts';
import { MODELS } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, 'fixtures', name), 'utf8');

function run(source: string, cpu: string) {
  const events: TraceRecord[] = [];
  const r = runLab(source, { cpu, trace: new JsonSink((e) => events.push(e)), maxSteps: 1_000_000 });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const regs = r.end.registers as Record<string, string>;
  return { end: r.end, events, reg: (n: string) => Number(regs[n]) >>> 0, exits: events.filter((e) => e.type === 'vmexit') };
}

describe.each(MODELS)('tiny-hypervisor.s on %s', (cpu) => {
  const src = fixture('tiny-hypervisor.s');
  it('three CPUID exits handled by VMRESUME, then the HLT exit', () => {
    const r = run(src, cpu);
    expect(r.end.reason).toBe('halted');
    expect(r.exits.map((e) => [e.reason, e.instructionLength])).toEqual([[10, 2], [10, 2], [10, 2], [12, 1]]);
    expect(r.reg('ebx')).toBe(4);
    expect(r.reg('esi')).toBe(12);
    expect(r.reg('edi')).toBe(0);
    const eips = r.exits.map((e) => Number(e.guestEip));
    expect([eips[1] - eips[0], eips[2] - eips[1], eips[3] - eips[2]]).toEqual([2, 2, 2]);
  });
  it('variant: GUEST_RFLAGS = 0 → VM-entry failure 33 | 80000000H at HOST_RIP', () => {
    const r = run(src.replace('dd 0x6820, 2 ', 'dd 0x6820, 0 '), cpu);
    expect(r.exits.map((e) => [e.reason, e.exitReason])).toEqual([[33, '0x80000021']]);
    expect(r.reg('esi')).toBe(0x80000021);
    expect(r.events.filter((e) => e.type === 'vmentry')).toEqual([]);
  });
  it('variant: HOST_CS_SELECTOR = 0 → VMfailValid(8), control at the next instruction', () => {
    const r = run(src.replace('mov eax, 0x0c02                 ; HOST_CS_SELECTOR\n        mov ebx, 0x08', 'mov eax, 0x0c02                 ; HOST_CS_SELECTOR\n        mov ebx, 0x00'), cpu);
    expect(r.exits).toEqual([]);
    expect(r.reg('edi')).toBe(8);
    expect(r.reg('ebx')).toBe(0xffffffff);
  });
  it('variant: no pin-based default1 bits → VMfailValid(7)', () => {
    const r = run(src.replace('mov eax, 0x4000                 ; PIN_BASED_VM_EXEC_CONTROL', 'xor ebx, ebx\n        mov eax, 0x4000'), cpu);
    expect(r.reg('edi')).toBe(7);
  });
  it('variant: VMRESUME instead of VMLAUNCH → VMfailValid(5)', () => {
    const r = run(src.replace('        xor ebx, ebx                    ; exit counter\n        vmlaunch', '        xor ebx, ebx\n        vmresume'), cpu);
    expect(r.reg('edi')).toBe(5);
  });
});

describe.each(MODELS)('vmfail-flags.s on %s', (cpu) => {
  it('VMsucceed / VMfailInvalid / VMfailValid flag encodings and the error field', () => {
    const r = run(fixture('vmfail-flags.s'), cpu);
    expect(r.end.reason).toBe('halted');
    expect(['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'].map(r.reg)).toEqual([0, 0x01, 0x40, 0x40, 1, 0x01]);
  });
});
