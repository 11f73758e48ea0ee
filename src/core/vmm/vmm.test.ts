import { describe, expect, it } from 'vitest';
import { assemble } from '../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { JsonSink, type TraceRecord } from '../trace/json.ts';
import { runLab } from '../lab/run.ts';
import { Hypervisor } from './hypervisor.ts';
import { guestCostsFor } from '../cost/model.ts';
import { GUEST_AREA_START } from './host.ts';
import { VmState } from '../trace/events.ts';

const MODELS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'];

function lab(src: string, cpu: string, maxSteps = 1_000_000) {
  const events: TraceRecord[] = [];
  const r = runLab(src, { cpu, maxSteps, trace: new JsonSink((e) => events.push(e)) });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { end: r.end, events, exits: events.filter((e) => e.type === 'vmexit') };
}

/** A guest that installs an IDT (at 0x3000) whose handlers print the vector over the paravirtual console and power off. */
const IDT_PREAMBLE = `
start:
  mov edi, 0x3000
  mov ecx, 32
  mov eax, trap
.fill:
  mov edx, eax
  mov [edi], dx          ; offset 15:0
  mov word [edi+2], 0x08 ; selector
  mov word [edi+4], 0x8E00 ; present, DPL 0, 32-bit interrupt gate
  shr edx, 16
  mov [edi+6], dx
  add edi, 8
  dec ecx
  jnz .fill
  lidt [idtr]
  jmp main
trap:
  mov eax, 1        ; PUTCHAR '!'
  mov ebx, '!'
  vmcall
  mov eax, 3        ; POWEROFF with code 99
  mov ebx, 99
  vmcall
idtr:
  dw 32*8-1
  dd 0x3000
main:
`;

describe('built-in VMM: CPUID handler', () => {
  it('hides VMX, sets the hypervisor bit and answers the hypervisor leaf', () => {
    for (const cpu of MODELS) {
      const { end } = lab(`start:\n  mov eax, 1\n  cpuid\n  mov esi, ecx\n  mov eax, 0x40000000\n  cpuid\n  mov edi, ebx\n  cli\n  hlt\n`, cpu);
      const r = end.registers as Record<string, string>;
      const ecx1 = Number(r.esi);
      expect(ecx1 & (1 << 5), cpu).toBe(0); // VMX hidden
      expect((ecx1 >>> 31) & 1, cpu).toBe(1); // hypervisor present
      expect(r.edi).toBe('0x614C5456'); // "VTLa"
    }
  });
});

describe('built-in VMM: hypercalls', () => {
  it('PUTCHAR writes to the VM console and POWEROFF ends the run with the exit code', () => {
    const { end, events } = lab(`start:\n  mov eax, 1\n  mov ebx, 'O'\n  vmcall\n  mov eax, 1\n  mov ebx, 'K'\n  vmcall\n  mov eax, 3\n  mov ebx, 7\n  vmcall\n  jmp $\n`, 'nehalem');
    expect(end.reason).toBe('poweroff');
    expect(end.exitCode).toBe(7);
    expect(events.filter((e) => e.type === 'console').map((e) => e.text).join('')).toBe('OK');
  });
  it('refuses hypercalls from CPL 3 and returns ENOSYS for unknown functions', () => {
    const { end } = lab(`start:\n  mov eax, 0x77\n  vmcall\n  mov esi, eax\n  cli\n  hlt\n`, 'modern');
    expect((end.registers as Record<string, string>).esi).toBe('0xFFFFFC18'); // -1000
  });
});

describe('built-in VMM: VMX instructions in the guest are #UD (no nested virtualization)', () => {
  it('injects #UD for VMXON, which the guest IDT receives', () => {
    for (const cpu of MODELS) {
      const { end, exits } = lab(`${IDT_PREAMBLE}\n  vmxon [0x5000]\n  cli\n  hlt\n`, cpu);
      expect(end.reason, cpu).toBe('poweroff');
      expect(end.exitCode).toBe(99);
      expect(exits.some((e) => e.reason === 27), cpu).toBe(true);
    }
  });
});

describe('built-in VMM: MSRs', () => {
  it('shows IA32_FEATURE_CONTROL locked with VMX off, and injects #GP for an unknown MSR', () => {
    const a = lab(`start:\n  mov ecx, 0x3a\n  rdmsr\n  mov esi, eax\n  cli\n  hlt\n`, 'nehalem');
    expect((a.end.registers as Record<string, string>).esi).toBe('0x00000001');
    const b = lab(`${IDT_PREAMBLE}\n  mov ecx, 0x12345\n  rdmsr\n  cli\n  hlt\n`, 'nehalem');
    expect(b.end.reason).toBe('poweroff');
    expect(b.exits.some((e) => e.reason === 31)).toBe(true);
  });
});

describe('built-in VMM: memory virtualization', () => {
  const pagingGuest = `
start:
  ; page directory at 0x200000, one page table at 0x201000 mapping 0-4 MiB, and 0x400000 → physical 0x300000
  mov edi, 0x200000
  mov ecx, 1024
  xor eax, eax
  rep stosd
  mov edi, 0x201000
  mov eax, 0x7          ; present, writable, user
  mov ecx, 1024
.pt:
  stosd
  add eax, 0x1000
  dec ecx
  jnz .pt
  mov dword [0x200000], 0x201007
  mov dword [0x202000], 0x300007   ; second page table: entry 0 → 0x300000
  mov dword [0x200004], 0x202007   ; PDE 1 (linear 0x400000) → second page table
  mov dword [0x300000], 0xCAFEF00D
  mov eax, 0x200000
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  mov esi, [0x400000]   ; through the mapping: 0xCAFEF00D
  cli
  hlt
`;
  it('runs a guest that enables its own paging, on every model (EPT or shadow paging)', () => {
    for (const cpu of MODELS) {
      const { end, exits } = lab(pagingGuest, cpu);
      expect(end.reason, cpu).toBe('halted');
      expect((end.registers as Record<string, string>).esi, cpu).toBe('0xCAFEF00D');
      expect((end.registers as Record<string, string>).cr0, cpu).toBe('0x80000031');
      const reasons = new Set(exits.map((e) => e.reason));
      if (cpu === 'xeon-lv' || cpu === 'xeon-5100') {
        // Shadow paging: MOV to CR3 and guest page faults exit; no EPT.
        expect(reasons.has(28), cpu).toBe(true);
        expect(reasons.has(0), cpu).toBe(true);
        expect(reasons.has(48), cpu).toBe(false);
      } else {
        // EPT: pages are mapped at first touch (EPT violations); guest #PF does not exit.
        expect(reasons.has(48), cpu).toBe(true);
        expect(reasons.has(0), cpu).toBe(false);
      }
    }
  });
  it('stops a guest that touches guest-physical memory outside its RAM (EPT violation)', () => {
    const { end } = lab(`start:\n  mov eax, [0x900000]\n  cli\n  hlt\n`, 'modern');
    expect(end.reason).toBe('vm-crash');
    expect(String(end.vmMessage)).toMatch(/EPT violation at guest-physical 0x900000/);
  });
  it('a guest triple fault (no IDT) is exit reason 2 and stops only that VM', () => {
    for (const cpu of MODELS) {
      const { end, exits } = lab(`start:\n  mov ax, 0x13\n  mov ds, ax\n`, cpu);
      expect(end.reason, cpu).toBe('triple-fault');
      expect(exits.at(-1)!.reason, cpu).toBe(2);
    }
  });
});

describe('built-in VMM: several VMs', () => {
  function program(ch: string, n: number, spin = 20000): Uint8Array {
    const a = assemble(`start:\n  mov esi, ${n}\n.l:\n  mov eax, 1\n  mov ebx, '${ch}'\n  vmcall\n  mov ecx, ${spin}\n.w:\n  dec ecx\n  jnz .w\n  dec esi\n  jnz .l\n  mov eax, 3\n  xor ebx, ebx\n  vmcall\n`, { origin: 0x10000 });
    if (!a.ok) throw new Error('asm');
    return a.bytes;
  }
  it('time-slices two VMs on one physical CPU and isolates their consoles', () => {
    for (const cpu of ['xeon-lv', 'modern']) {
      const model = toProcessorModel(getCpuModel(cpu)!);
      const events: TraceRecord[] = [];
      const hv = new Hypervisor(model, {
        hostMemoryBytes: GUEST_AREA_START + 16 * 1048576,
        costs: guestCostsFor(cpu),
        sliceCycles: 100_000,
        trace: new JsonSink((e) => events.push(e), new Set([13])),
      });
      const a = hv.createVm({ name: 'a', memoryBytes: 8 * 1048576, vcpus: 1 }, 0x10000);
      const b = hv.createVm({ name: 'b', memoryBytes: 8 * 1048576, vcpus: 1 }, 0x10000);
      // Each character is followed by ~1.2 M cycles of spinning with no VM exit: only preemption interleaves them.
      a.mem.load(0x10000, program('a', 5, 600_000));
      b.mem.load(0x10000, program('b', 5, 600_000));
      const r = hv.run(50_000_000);
      expect(r, cpu).toBe('all-stopped');
      expect(a.console).toBe('aaaaa');
      expect(b.console).toBe('bbbbb');
      expect(a.state).toBe(VmState.STOPPED);
      expect(b.state).toBe(VmState.STOPPED);
      // Slicing needs the VMM to regain control: preemption timer on modern, host-timer interrupts otherwise.
      const reasons = [...a.stats.count.keys()].filter((k) => a.stats.count[k] > 0 || b.stats.count[k] > 0);
      expect(reasons).toContain(cpu === 'modern' ? 52 : 1);
      const order = events.map((e) => e.text).join('');
      expect(order).toMatch(/^(ab|ba)/);
      expect(order).not.toMatch(/aaa|bbb/);
    }
  });
  it('runs VMs on two physical CPUs', () => {
    const model = toProcessorModel(getCpuModel('nehalem')!);
    const hv = new Hypervisor(model, { cpus: 2, hostMemoryBytes: GUEST_AREA_START + 16 * 1048576, costs: guestCostsFor('nehalem') });
    const a = hv.createVm({ name: 'a', memoryBytes: 8 * 1048576, vcpus: 1 }, 0x10000);
    const b = hv.createVm({ name: 'b', memoryBytes: 8 * 1048576, vcpus: 1 }, 0x10000);
    a.mem.load(0x10000, program('x', 3));
    b.mem.load(0x10000, program('y', 3));
    expect(a.vcpus[0].pcpu).toBe(0);
    expect(b.vcpus[0].pcpu).toBe(1);
    expect(hv.run(10_000_000)).toBe('all-stopped');
    expect(a.console + b.console).toBe('xxxyyy');
    expect(hv.cpus[0].icount).toBeGreaterThan(0);
    expect(hv.cpus[1].icount).toBeGreaterThan(0);
  });
});
