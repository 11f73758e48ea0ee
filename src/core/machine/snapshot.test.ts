import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { JsonSink, type TraceRecord } from '../trace/json.ts';
import { BareMachine } from './bare.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import { guestCostsFor } from '../cost/model.ts';

// A program that keeps changing registers, memory, flags and devices: a PIT-driven interrupt loop.
const BARE = `; @mode bare
start:
  mov edi, 0x3000              ; IDT with a timer handler at vector 0x20
  mov eax, tick
  mov [edi+0x20*8], ax
  mov word [edi+0x20*8+2], 0x08
  mov word [edi+0x20*8+4], 0x8E00
  shr eax, 16
  mov [edi+0x20*8+6], ax
  lidt [idtr]
  mov al, 0x11                 ; PIC: ICW1..4, vector base 0x20, unmask IRQ0
  out 0x20, al
  mov al, 0x20
  out 0x21, al
  mov al, 4
  out 0x21, al
  mov al, 1
  out 0x21, al
  mov al, 0xfe
  out 0x21, al
  mov al, 0x34                 ; PIT channel 0, mode 2, count 16 (an interrupt every ~30,000 cycles)
  out 0x43, al
  mov al, 16
  out 0x40, al
  mov al, 0
  out 0x40, al
  sti
.spin:
  inc ecx
  add [counter], ecx
  cmp dword [ticks], 40
  jb .spin
  cli
  hlt
tick:
  inc dword [ticks]
  mov al, 0x20
  out 0x20, al
  iret
idtr: dw 0x20*8+7
      dd 0x3000
ticks: dd 0
counter: dd 0
`;

function bare(trace?: (r: TraceRecord) => void): BareMachine {
  const m = new BareMachine({ model: toProcessorModel(getCpuModel('nehalem')!), trace: trace ? new JsonSink(trace) : undefined });
  const a = assemble(BARE, { origin: 0x10000 });
  if (!a.ok) throw new Error(JSON.stringify(a.errors));
  m.load(a.bytes, a.origin, a.entry);
  return m;
}

describe('snapshots', () => {
  it('bare machine: restoring a snapshot and running on gives the same future, byte for byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_500_000 }), (cut) => {
        const straight: TraceRecord[] = [];
        const m1 = bare((r) => straight.push(r));
        m1.run(cut);
        const snap = m1.snapshot();
        const after1: TraceRecord[] = [];
        const m1b = bare((r) => after1.push(r));
        m1b.restore(snap);
        const end1 = m1b.run(5_000_000);
        straight.length = 0;
        const end0 = m1.run(5_000_000);
        expect(end1).toEqual(end0);
        expect(JSON.stringify(after1)).toBe(JSON.stringify(straight));
        expect(m1b.cpu.regs).toEqual(m1.cpu.regs);
      }),
      { numRuns: 8 },
    );
  });

  it('hypervisor: a guest resumes from a snapshot exactly where it was, on every model', () => {
    const prog = assemble(`start:\n  mov esi, 200\n.l:\n  xor eax, eax\n  cpuid\n  mov eax, 1\n  mov ebx, 'x'\n  vmcall\n  dec esi\n  jnz .l\n  mov eax, 3\n  mov ebx, 5\n  vmcall\n`, { origin: 0x10000 });
    if (!prog.ok) throw new Error('asm');
    for (const cpu of ['xeon-lv', 'nehalem', 'modern']) {
      const model = toProcessorModel(getCpuModel(cpu)!);
      const make = (): Hypervisor => new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + 8 * 1048576, costs: guestCostsFor(cpu) });
      const h1 = make();
      const vm = h1.createVm({ name: 'g', memoryBytes: 8 * 1048576, vcpus: 1 }, 0x10000);
      vm.mem.load(0x10000, prog.bytes);
      h1.run(700);
      const snap = h1.snapshot();
      const h2 = make();
      h2.restore(snap);
      h1.run(1_000_000);
      h2.run(1_000_000);
      expect(h2.vms[0].console, cpu).toBe(h1.vms[0].console);
      expect(h2.vms[0].console.length).toBe(200);
      expect(h2.vms[0].exitCode).toBe(5);
      expect(h2.cpus[0].cycles, cpu).toBe(h1.cpus[0].cycles);
      expect(h2.vms[0].stats.count).toEqual(h1.vms[0].stats.count);
    }
  });
});
