/**
 * VMM settings, run: each setting on each relevant CPU model changes the VM exits as the SDM says, the VMM
 * keeps the guest working (or stops it with a message that explains why), and a setting the model's capability
 * MSRs forbid makes VMLAUNCH fail with VMfailValid(7), as on hardware.
 */
import { describe, expect, it } from 'vitest';
import { cpuModelIds, getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { JsonSink, type TraceRecord } from '../trace/json.ts';
import { runLab } from '../lab/run.ts';
import { loadScenarioSource } from '../scenarios/index.ts';
import { assemble } from '../x86/asm/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { GuestLab } from './guest-lab.ts';
import { EXIT_HANDLERS } from './exits.ts';
import { LIVELOCK_EXITS } from './hypervisor.ts';
import type { TraceSink } from '../trace/sink.ts';
import type { EventKind } from '../trace/events.ts';
import type { VmmSettings } from './settings.ts';

const MODELS = cpuModelIds();
const KERNEL = loadScenarioSource('kernel')!;

interface Run {
  end: Record<string, unknown>;
  events: TraceRecord[];
  exits: TraceRecord[];
  reasons: Record<number, number>;
  console: string;
  hostConsole: string;
  log: string;
  regs: Record<string, string>;
}

function run(src: string, cpu: string, vmm?: VmmSettings, maxSteps = 2_000_000): Run {
  const events: TraceRecord[] = [];
  const r = runLab(src, { cpu, maxSteps, trace: new JsonSink((e) => events.push(e)), ...(vmm ? { vmm } : {}) });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const exits = events.filter((e) => e.type === 'vmexit');
  const reasons: Record<number, number> = {};
  for (const e of exits) reasons[e.reason as number] = (reasons[e.reason as number] ?? 0) + 1;
  const text = (type: string, vm: number | null) => events.filter((e) => e.type === type && (e.vm as number | null) === vm).map((e) => e.text).join('');
  return {
    end: r.end as Record<string, unknown>,
    events,
    exits,
    reasons,
    console: text('console', 0),
    hostConsole: text('console', null),
    log: text('log', 0),
    regs: r.end.registers as Record<string, string>,
  };
}

const kernelDefault = Object.fromEntries(MODELS.map((m) => [m, run(KERNEL, m)]));

/** A guest with an IDT at 0x3000 whose handlers keep [ESP] (the return EIP, or the error code) in ESI and power off with the vector's stub number. */
const IDT_GUEST = `
start:
  mov edi, 0x3000
  xor ecx, ecx
.fill:
  lea eax, [stubs + ecx * 8]
  mov [edi], ax
  mov word [edi+2], 0x08
  mov word [edi+4], 0x8E00
  shr eax, 16
  mov [edi+6], ax
  add edi, 8
  inc ecx
  cmp ecx, 32
  jb .fill
  lidt [idtr]
  jmp main
  align 8
stubs:
${Array.from({ length: 32 }, (_, v) => `  mov bl, ${v}\n  jmp trap\n  align 8\n`).join('')}trap:
  movzx ebx, bl
  mov esi, [esp]
  mov eax, 3        ; POWEROFF, code = vector
  vmcall
idtr:
  dw 32*8-1
  dd 0x3000
main:
`;

describe('HLT exiting off', () => {
  it.each(MODELS)('kernel.s on %s: no HLT exits, the timer exits take their place, the same console', (cpu) => {
    const r = run(KERNEL, cpu, { hltExiting: false });
    const d = kernelDefault[cpu];
    expect(r.end.reason).toBe('halted');
    expect(r.console).toBe(d.console);
    expect(r.console).toMatch(/kernel halted\n$/);
    expect(r.reasons[12]).toBeUndefined();
    expect(d.reasons[12]).toBe(21);
    const wake = cpu === 'modern' ? 52 : 1;
    expect(r.reasons[wake]).toBe(21); // 20 timer ticks, and the exit that finds the final CLI; HLT
    // The guest halted in VMX non-root operation: the HALT events are the guest's own.
    expect(r.events.filter((e) => e.type === 'halt' && e.vmx === 'non-root').length).toBe(21);
    // Every timer interrupt is injected at a VM entry that wakes the halted vCPU.
    expect(r.events.filter((e) => e.type === 'vmentry' && e.injected === '0x80000020').length).toBe(20);
  });
  it('on modern without the preemption timer, the host timer\'s external interrupt wakes the VMM', () => {
    const r = run(KERNEL, 'modern', { hltExiting: false, preemptionTimer: false });
    expect(r.console).toBe(kernelDefault.modern.console);
    expect(r.reasons[52]).toBeUndefined();
    expect(r.reasons[1]).toBe(21);
  });
  it('a guest that halts with interrupts off and nothing pending ends the run "halted"', () => {
    for (const cpu of MODELS) {
      const r = run('start:\n  mov eax, 1\n  cli\n  hlt\n', cpu, { hltExiting: false });
      expect(r.end.reason, cpu).toBe('halted');
      expect(r.end.vmState, cpu).toBe('halted');
      expect(r.log, cpu).toMatch(/halted in VMX non-root operation \(HLT exiting is off\) and nothing can cause a VM exit/);
    }
  });
});

const RDTSC_GUEST = `
start:
  rdtsc
  mov esi, edx
  mov ecx, 0x10       ; IA32_TIME_STAMP_COUNTER := 1_0000_0000H
  xor eax, eax
  mov edx, 1
  wrmsr
  rdtsc
  mov edi, edx        ; 1: the guest's TSC, through the TSC offset
  mov ebp, eax
  cli
  hlt
`;

describe('RDTSC exiting', () => {
  it.each(MODELS)('on %s: RDTSC exits (reason 16) and is emulated with the TSC offset', (cpu) => {
    const on = run(RDTSC_GUEST, cpu, { rdtscExiting: true });
    expect(on.reasons[16]).toBe(2);
    expect(on.regs.edi).toBe('0x00000001');
    expect(Number(on.regs.ebp)).toBeLessThan(1_000_000);
    const off = run(RDTSC_GUEST, cpu);
    expect(off.reasons[16]).toBeUndefined();
    // Native RDTSC sees the same offset the VMM set for WRMSR (TSC_OFFSET).
    expect(off.regs.edi).toBe('0x00000001');
  });
  it('RDTSCP exits with reason 51 where the guest may use it', () => {
    for (const cpu of ['nehalem', 'modern']) {
      const r = run('start:\n  rdtscp\n  mov esi, edx\n  cli\n  hlt\n', cpu, { rdtscExiting: true });
      expect(r.reasons[51], cpu).toBe(1);
      expect(r.end.reason, cpu).toBe('halted');
    }
  });
});

/** Maps linear 0x400000 to 0x300000 (holding 0x11111111), reads it, remaps it to 0x301000 (0x22222222), INVLPG, reads again into EDI. */
const INVLPG_GUEST = `
start:
  mov edi, 0x200000
  mov ecx, 3 * 1024
  xor eax, eax
  rep stosd
  mov edi, 0x201000      ; page table 0: identity 0-4 MiB
  mov eax, 0x7
  mov ecx, 1024
.pt:
  stosd
  add eax, 0x1000
  dec ecx
  jnz .pt
  mov dword [0x200000], 0x201007
  mov dword [0x200004], 0x202007
  mov dword [0x202000], 0x300007
  mov dword [0x300000], 0x11111111
  mov dword [0x301000], 0x22222222
  mov eax, 0x200000
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  mov esi, [0x400000]
  mov dword [0x202000], 0x301007
  invlpg [0x400000]
  mov edi, [0x400000]
  cli
  hlt
`;

describe('INVLPG exiting', () => {
  it('under shadow paging, INVLPG exiting off leaves a stale shadow entry the guest can see', () => {
    for (const [cpu, vmm] of [['xeon-lv', {}], ['xeon-5100', {}], ['nehalem', { ept: false }], ['modern', { ept: false }]] as [string, VmmSettings][]) {
      const on = run(INVLPG_GUEST, cpu, vmm);
      expect(on.reasons[14], cpu).toBe(1);
      expect(on.regs.edi, cpu).toBe('0x22222222');
      const off = run(INVLPG_GUEST, cpu, { ...vmm, invlpgExiting: false });
      expect(off.reasons[14], cpu).toBeUndefined();
      expect(off.regs.esi, cpu).toBe('0x11111111');
      expect(off.regs.edi, cpu).toBe('0x11111111'); // stale: the shadow still maps the old page
      expect(off.end.reason, cpu).toBe('halted');
    }
  });
  it('with EPT it is optional: on or off, the guest sees its new mapping', () => {
    for (const cpu of ['nehalem', 'modern']) {
      const on = run(INVLPG_GUEST, cpu, { invlpgExiting: true });
      expect(on.reasons[14], cpu).toBe(1);
      expect(on.regs.edi, cpu).toBe('0x22222222');
      expect(run(INVLPG_GUEST, cpu).regs.edi, cpu).toBe('0x22222222');
    }
  });
});

describe('CR3-load and CR3-store exiting', () => {
  it('shadow paging without CR3-load exiting: the VMM finds the guest\'s CR3 in the real CR3 and stops the VM', () => {
    for (const cpu of ['nehalem', 'modern']) {
      const r = run(KERNEL, cpu, { ept: false, cr3LoadExiting: false });
      expect(r.end.reason, cpu).toBe('vm-crash');
      expect(String(r.end.vmMessage), cpu).toMatch(/^the guest loaded CR3 = 0x30000 itself \(CR3-load exiting is off\): under shadow paging the processor then walked the guest's page tables as host-physical memory/);
    }
  });
  it('EPT without unrestricted guest (nehalem): the guest\'s MOV to CR3 while paging is off goes to the real CR3, and the VMM adopts it', () => {
    const r = run(KERNEL, 'nehalem', { cr3LoadExiting: false });
    expect(r.console).toBe(kernelDefault.nehalem.console);
    expect(r.reasons[28]).toBe(kernelDefault.nehalem.reasons[28] - 1);
    expect(r.regs.cr3).toBe('0x00030000');
  });
  it('EPT with unrestricted guest (modern): CR3 exiting on makes MOV to/from CR3 exit, and the VMM answers with the guest\'s CR3', () => {
    const src = 'start:\n  mov eax, 0x123000\n  mov cr3, eax\n  mov esi, cr3\n  cli\n  hlt\n';
    const off = run(src, 'modern');
    expect(off.reasons[28]).toBeUndefined();
    const on = run(src, 'modern', { cr3LoadExiting: true, cr3StoreExiting: true });
    expect(on.exits.filter((e) => e.reason === 28).map((e) => e.qualification)).toEqual(['0x00000003', '0x00000613']);
    expect(on.regs.esi).toBe('0x00123000');
    expect(run(KERNEL, 'modern', { cr3LoadExiting: true }).console).toBe(kernelDefault.modern.console);
  });
  it('shadow paging without CR3-store exiting: the guest reads the shadow page directory\'s host address', () => {
    const r = run('start:\n  mov esi, cr3\n  cli\n  hlt\n', 'nehalem', { ept: false, cr3StoreExiting: false });
    expect(r.reasons[28]).toBeUndefined();
    expect(Number(r.regs.esi)).toBeGreaterThanOrEqual(0x100000); // in the VMM's page pool, not guest memory
    expect(r.end.reason).toBe('halted');
  });
});

describe('CR0/CR4 guest/host masks and read shadows', () => {
  it('an owned bit reads from the shadow; CLTS exits when mask and shadow TS are 1, and the VMM emulates it', () => {
    for (const cpu of MODELS) {
      const base = cpu === 'modern' ? 0x20 | 0x60000000 : 0x80000021 | 0x60000000;
      const mask = cpu === 'xeon-lv' || cpu === 'xeon-5100' ? base | 0x10000 | 0x80000001 : base;
      const r = run('start:\n  mov esi, cr0\n  clts\n  mov edi, cr0\n  cli\n  hlt\n', cpu, { cr0GuestHostMask: (mask | 8) >>> 0, cr0ReadShadow: 0x39 });
      expect(Number(r.regs.esi) & 8, cpu).toBe(8); // TS = 1 as the shadow says (the real TS is 0)
      expect(r.exits.filter((e) => e.reason === 28).map((e) => e.qualification), cpu).toEqual(['0x00000020']);
      expect(Number(r.regs.edi) & 8, cpu).toBe(0);
      expect(Number(r.regs.cr0) & 8, cpu).toBe(0); // the VMM's view (guestRegisters) agrees
    }
  });
  it('an unowned VMX-fixed bit is the guest\'s: it reads the real CR0.PG = 1, and clearing it is #GP without a VM exit', () => {
    const r = run(`${IDT_GUEST}\n  mov esi, cr0\n  mov [0x5000], esi\n  and esi, 0x7fffffff\n  mov cr0, esi\n  cli\n  hlt\n`, 'nehalem', { cr0GuestHostMask: 0x60000021 });
    expect(r.end.reason).toBe('poweroff');
    expect(r.end.exitCode).toBe(13);
    expect(r.reasons[28]).toBeUndefined();
    expect(Number(r.regs.cr0) >>> 31).toBe(1);
  });
  it('a CR4 mask without VMXE shows the guest CR4.VMXE = 1; with the default it reads 0', () => {
    expect(Number(run('start:\n  mov esi, cr4\n  cli\n  hlt\n', 'nehalem', { cr4GuestHostMask: 0xb0 }).regs.esi) & 0x2000).toBe(0x2000);
    expect(Number(run('start:\n  mov esi, cr4\n  cli\n  hlt\n', 'nehalem').regs.esi) & 0x2000).toBe(0);
  });
});

describe('I/O passthrough', () => {
  it.each(MODELS)('on %s: COM1 passed through: no reason-30 exits for it, the text appears on the host console', (cpu) => {
    const r = run(KERNEL, cpu, { ioPassthroughPorts: [0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff] });
    expect(r.end.reason).toBe('halted');
    expect(r.console).toBe('');
    expect(r.hostConsole).toBe(kernelDefault[cpu].console);
    const ports = r.exits.filter((e) => e.reason === 30).map((e) => Number(e.qualification) >>> 16);
    expect(ports.length).toBeGreaterThan(0); // the PIC and PIT still exit
    expect(ports.every((p) => p < 0x3f8 || p > 0x3ff)).toBe(true);
    // The accesses reached the host's UART in non-root operation.
    expect(r.events.some((e) => e.type === 'io' && e.port === '0x03F8' && e.vmx === 'non-root')).toBe(true);
  });
  it('the host timer ports passed through: the guest programs the host PIT; the run still ends in a defined way', () => {
    for (const cpu of MODELS) {
      const r = run(KERNEL, cpu, { ioPassthroughPorts: [0x20, 0x21, 0x40, 0x41, 0x42, 0x43, 0xa0, 0xa1] }, 400_000);
      expect(['halted', 'limit', 'vm-crash'], cpu).toContain(r.end.reason);
    }
  });
});

describe('MSR passthrough', () => {
  it.each(MODELS)('on %s: RDMSR of a passed-through MSR does not exit and reads the processor\'s MSR', (cpu) => {
    const src = 'start:\n  mov ecx, 0x3a\n  rdmsr\n  mov esi, eax\n  cli\n  hlt\n';
    const exit = run(src, cpu);
    expect(exit.reasons[31]).toBe(1);
    expect(exit.regs.esi).toBe('0x00000001'); // the VMM's answer: locked, VMX off
    const pass = run(src, cpu, { msrPassthrough: [0x3a] });
    expect(pass.reasons[31]).toBeUndefined();
    expect(pass.regs.esi).toBe('0x00000005'); // the real one: locked, VMX on
  });
  it('SYSENTER MSRs passed through are saved and loaded by the VMCS as usual', () => {
    const r = run('start:\n  mov ecx, 0x175\n  mov eax, 0x1234\n  xor edx, edx\n  wrmsr\n  mov eax, 1\n  cpuid\n  mov ecx, 0x175\n  rdmsr\n  mov esi, eax\n  cli\n  hlt\n', 'nehalem', { msrPassthrough: [0x174, 0x175, 0x176] });
    expect(r.regs.esi).toBe('0x00001234');
    expect(r.reasons[31] ?? 0 + (r.reasons[32] ?? 0)).toBe(0);
  });
});

describe('exception bitmap', () => {
  it.each(MODELS)('on %s: bit 3 makes INT3 exit (reason 0) and the VMM reflects #BP: the guest still sees it, after the INT3', (cpu) => {
    const src = `${IDT_GUEST}\n  int3\nafter:\n  cli\n  hlt\n`;
    const a = assemble(src, { origin: PROGRAM_BASE });
    if (!a.ok) throw new Error(JSON.stringify(a.errors));
    const shadow = cpu === 'xeon-lv' || cpu === 'xeon-5100';
    const r = run(src, cpu, { exceptionBitmap: (1 << 3) | (shadow ? 1 << 14 : 0) });
    const bp = r.exits.filter((e) => e.reason === 0 && e.interruptionInfo === '0x80000603');
    expect(bp.length).toBe(1);
    expect(bp[0].instructionLength).toBe(1);
    expect(r.events.some((e) => e.type === 'vmentry' && e.injected === '0x80000603')).toBe(true);
    expect(r.end.reason).toBe('poweroff');
    expect(r.end.exitCode).toBe(3);
    expect(Number(r.regs.esi)).toBe(a.symbols.after); // the return EIP the guest's handler sees
    // Without the bit, INT3 does not exit and the guest sees the same #BP.
    const plain = run(src, cpu);
    expect(plain.exits.some((e) => e.reason === 0 && e.interruptionInfo === '0x80000603')).toBe(false);
    expect(plain.regs.esi).toBe(r.regs.esi);
  });
  it('bit 13 reflects #GP with its error code; bit 14 with EPT reflects #PF with CR2', () => {
    const gp = run(`${IDT_GUEST}\n  mov ax, 0x13\n  mov ds, ax\n`, 'modern', { exceptionBitmap: 1 << 13 });
    expect(gp.exits.filter((e) => e.reason === 0).map((e) => e.interruptionInfo)).toEqual(['0x80000B0D']);
    expect(gp.end.exitCode).toBe(13);
    expect(gp.regs.esi).toBe('0x00000010'); // the error code: the selector 0x13 & ~3
  });
  it('without #PF in the bitmap, shadow paging cannot work: kernel.s triple-faults once it enables paging', () => {
    for (const cpu of ['xeon-lv', 'xeon-5100']) {
      const r = run(KERNEL, cpu, { exceptionBitmap: 0 });
      expect(r.end.reason, cpu).toBe('triple-fault');
      expect(r.console, cpu).toMatch(/^VT Lab kernel booting\n/);
    }
  });
});

describe('preemption timer', () => {
  it('off on modern: the VMM falls back to the host timer; kernel.s prints the same', () => {
    const r = run(KERNEL, 'modern', { preemptionTimer: false });
    expect(r.console).toBe(kernelDefault.modern.console);
    expect(r.reasons[52]).toBeUndefined();
  });
});

/** Forbidden settings per model: the control and the MSR the message must name. */
const FORBIDDEN: [string, VmmSettings, string, string][] = [
  ['xeon-lv', { cr3LoadExiting: false }, "bit 15 'CR3-load exiting' must be 1 on xeon-lv", 'IA32_VMX_PROCBASED_CTLS allowed-0 bit 15 = 1'],
  ['xeon-lv', { cr3StoreExiting: false }, "bit 16 'CR3-store exiting' must be 1 on xeon-lv", 'IA32_VMX_PROCBASED_CTLS allowed-0 bit 16 = 1'],
  ['xeon-lv', { ept: true }, "bit 31 'Activate secondary controls' must be 0 on xeon-lv", 'IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 = 0'],
  ['xeon-lv', { preemptionTimer: true }, "bit 6 'Activate VMX-preemption timer' must be 0 on xeon-lv", 'IA32_VMX_PINBASED_CTLS allowed-1 bit 6 = 0'],
  ['xeon-lv', { rawControls: { primary: { set: 1 << 21 } } }, "bit 21 'Use TPR shadow' must be 0 on xeon-lv", 'IA32_VMX_PROCBASED_CTLS allowed-1 bit 21 = 0'],
  ['xeon-5100', { cr3LoadExiting: false, cr3StoreExiting: false }, "bit 15 'CR3-load exiting' must be 1 on xeon-5100", 'IA32_VMX_PROCBASED_CTLS allowed-0 bit 16 = 1'],
  ['xeon-5100', { ept: true }, "bit 1 'Enable EPT' must be 0 on xeon-5100", 'xeon-5100 has no IA32_VMX_PROCBASED_CTLS2'],
  ['xeon-5100', { rawControls: { exit: { clear: 1 << 2 } } }, "VM-exit control bit 2 'Save debug controls' must be 1 on xeon-5100", 'IA32_VMX_EXIT_CTLS allowed-0 bit 2 = 1'],
  ['nehalem', { preemptionTimer: true }, "bit 6 'Activate VMX-preemption timer' must be 0 on nehalem", 'IA32_VMX_TRUE_PINBASED_CTLS allowed-1 bit 6 = 0'],
  ['nehalem', { rawControls: { secondary: { set: 1 << 7 } } }, "bit 7 'Unrestricted guest' must be 0 on nehalem", 'IA32_VMX_PROCBASED_CTLS2 allowed-1 bit 7 = 0'],
  ['nehalem', { rawControls: { pin: { clear: 1 << 1 } } }, "bit 1 (reserved)' must be 1 on nehalem", 'IA32_VMX_TRUE_PINBASED_CTLS allowed-0 bit 1 = 1'],
  ['modern', { rawControls: { pin: { set: 1 << 7 } } }, "bit 7 'Process posted interrupts' must be 0 on modern", 'IA32_VMX_TRUE_PINBASED_CTLS allowed-1 bit 7 = 0'],
  ['modern', { rawControls: { entry: { set: 1 << 9 } } }, "VM-entry control bit 9 'IA-32e mode guest' must be 0 on modern", 'IA32_VMX_TRUE_ENTRY_CTLS allowed-1 bit 9 = 0'],
  ['modern', { ept: false, rawControls: { secondary: { set: 1 << 7 } } }, "'Unrestricted guest' requires secondary processor-based VM-execution control bit 1 'Enable EPT' = 1", 'SDM Vol. 3C §26.2.1.1'],
  ['modern', { rawControls: { pin: { clear: 1 << 3 } } }, "bit 5 'Virtual NMIs' requires pin-based VM-execution control bit 3 'NMI exiting' = 1", '§26.2.1.1'],
];

describe('settings the model forbids: VMLAUNCH → VMfailValid(7), explained, VM crashed', () => {
  it.each(FORBIDDEN)('%s %j', (cpu, vmm, control, msr) => {
    const r = run(KERNEL, cpu, vmm);
    const fail = r.events.filter((e) => e.type === 'vmfail');
    expect(fail).toHaveLength(1);
    expect(fail[0]).toMatchObject({ instruction: 'VMLAUNCH', kind: 'valid', error: 7 });
    expect(r.log).toContain('VM entry failed: VMLAUNCH → VMfailValid, error 7 (VM entry with invalid control field(s)): ');
    expect(r.log).toContain(control);
    expect(r.log).toContain(msr);
    expect(r.end.reason).toBe('vm-crash');
    expect(r.end.vmState).toBe('crashed');
    expect(r.end.instructions).toBe(0);
    expect(r.events.some((e) => e.type === 'vmentry')).toBe(false);
  });
});

describe('the livelock guard', () => {
  it('interrupt-window exiting set by a raw bit lasts until the VMM switches it: one exit, then the kernel runs as usual', () => {
    const r = run(KERNEL, 'nehalem', { rawControls: { primary: { set: 1 << 2 } } });
    expect(r.reasons[7]).toBe(1);
    expect(r.console).toBe(kernelDefault.nehalem.console);
  });
  it('a VM that exits forever without retiring an instruction is stopped with a message', () => {
    // A broken CPUID handler that never advances GUEST_RIP: the guest re-executes CPUID forever.
    const saved = EXIT_HANDLERS[10];
    EXIT_HANDLERS[10] = () => {};
    try {
      const r = run('start:\n  cpuid\n  cli\n  hlt\n', 'modern', undefined, 10_000_000);
      expect(r.end.reason).toBe('vm-crash');
      expect(String(r.end.vmMessage)).toBe(`livelock: ${LIVELOCK_EXITS} VM exits in a row for CPUID (reason 10) at guest EIP 0x10000 without the guest making progress — the VM is stopped`);
      expect(r.reasons[10]).toBe(LIVELOCK_EXITS + 1);
    } finally {
      EXIT_HANDLERS[10] = saved;
    }
  });
});

/** A sink that asks every processor to stop after each event, as the timeline's does. */
class Yielder implements TraceSink {
  cpus: { yieldRequested: boolean; stop: number }[] = [];
  constructor(private readonly inner: JsonSink) {}
  emit(kind: EventKind, cycle: number, ...p: number[]): void {
    this.inner.emit(kind, cycle, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    for (const c of this.cpus) {
      c.yieldRequested = true;
      c.stop = 1;
    }
  }
  text(kind: EventKind, cycle: number, source: number, text: string): void {
    this.inner.text(kind, cycle, source, text);
    for (const c of this.cpus) {
      c.yieldRequested = true;
      c.stop = 1;
    }
  }
}

function labRun(cpu: string, vmm: VmmSettings, yielding: boolean, snapshotAt = -1): TraceRecord[] {
  const events: TraceRecord[] = [];
  const sink = new Yielder(new JsonSink((e) => events.push(e)));
  const model = toProcessorModel(getCpuModel(cpu)!);
  const asm = assemble(KERNEL, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error('asm');
  let lab = new GuestLab({ model, trace: sink, settings: vmm });
  if (yielding) sink.cpus = lab.hv.cpus;
  lab.loadProgram(asm.bytes, asm.origin, asm.entry);
  let runs = 0;
  for (;;) {
    const r = lab.hv.run(10_000_000);
    for (const c of lab.hv.cpus) c.yieldRequested = false;
    if (r !== 'yield') break;
    if (++runs === snapshotAt) {
      // Restore into a fresh machine built with the same settings, and go on there.
      const snap = structuredClone(lab.hv.snapshot());
      lab = new GuestLab({ model, trace: sink, settings: vmm });
      sink.cpus = lab.hv.cpus;
      lab.hv.restore(snap);
      lab.vm = lab.hv.vms[0];
    }
  }
  lab.vm.flushUart();
  return events;
}

describe('stopping after every event and resuming behaves like not stopping', () => {
  const cases: [string, VmmSettings][] = [
    ['xeon-lv', { hltExiting: false }],
    ['modern', { hltExiting: false, ioPassthroughPorts: [0x3f8, 0x3fd] }],
    ['nehalem', { hltExiting: false, rdtscExiting: true, cr3LoadExiting: false, exceptionBitmap: 1 << 6 }],
  ];
  it.each(cases)('%s %j', (cpu, vmm) => {
    const straight = labRun(cpu, vmm, false);
    const yielding = labRun(cpu, vmm, true);
    expect(yielding).toEqual(straight);
    expect(straight.filter((e) => e.type === 'vmexit').length).toBeGreaterThan(50);
    // ...and so does restoring a snapshot into a fresh machine half-way.
    const restored = labRun(cpu, vmm, true, Math.floor(straight.length / 2));
    expect(restored).toEqual(straight);
  });
});
