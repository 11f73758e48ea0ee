/**
 * Test harness for the VMX conformance suite: builds a bare-mode lab file whose program is its own "tiny
 * hypervisor" (VMXON, VMCLEAR/VMPTRLD, a complete and valid VMCS, VMLAUNCH) and runs it through `runLab`,
 * so every test exercises the same path as a lab file (assembler → bare machine → trace).
 *
 * The default VMCS is the minimal correct one (SDM Vol. 3C Ch. 26 checks):
 *  - controls = the allowed-0 settings of the plain capability MSRs (default1 bits only);
 *  - host state = the bare machine's documented start state (machine/layout.ts, bare.ts), HOST_RIP = `host_rip`;
 *  - guest state = a flat 32-bit protected-mode guest at CPL 0 with the same paging as the host.
 * Each test changes only what it tests (`fields`, control transforms, `setup`, `guest`, `handler`).
 *
 * After a VM exit the default handler VMREADs the exit-information fields (the `vmx` trace records carry
 * each value) and halts with RFLAGS.IF = 0, which ends the run.
 */
// i18n-ignore-file: a test harness (imported only by tests and src/test-support), never shown to a user
import { runLab } from '../../lab/run.ts';
import { JsonSink, type TraceRecord } from '../../trace/json.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { VmcsField } from '../spec/fields.ts';
import { assemble } from '../../x86/asm/index.ts';
import { BareMachine } from '../../machine/bare.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';

export const MODELS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const;
export type ModelId = (typeof MODELS)[number];

/** Physical memory plan (identity-mapped; free memory starts at 0x100000 — machine/layout.ts). */
export const MEM = {
  VMXON: 0x100000,
  VMCS: 0x101000,
  VMCS2: 0x102000,
  IO_A: 0x103000,
  IO_B: 0x104000,
  MSR_BITMAP: 0x105000,
  MSR_AREA: 0x106000,
  MSR_AREA2: 0x107000,
  SCRATCH: 0x108000,
  GUEST_IDT: 0x109000,
  EPT_PML4: 0x110000,
  EPT_PDPT: 0x111000,
  EPT_PD: 0x112000,
  EPT_PT: 0x113000,
  PAE_PDPT: 0x118000,
  GUEST_STACK: 0x78000,
  HOST_STACK: 0x90000,
} as const;

export function caps(cpu: ModelId): (index: number) => { lo: number; hi: number } | undefined {
  const m = toProcessorModel(getCpuModel(cpu)!);
  return (i) => m.capabilityMsr(i);
}
export function model(cpu: ModelId) {
  return toProcessorModel(getCpuModel(cpu)!);
}

/** Allowed-0 (must-be-1) bits of a control MSR. */
export function allowed0(cpu: ModelId, msr: number): number {
  return (caps(cpu)(msr)?.lo ?? 0) >>> 0;
}
/** Allowed-1 (may-be-1) bits of a control MSR. */
export function allowed1(cpu: ModelId, msr: number): number {
  return (caps(cpu)(msr)?.hi ?? 0) >>> 0;
}
export function hasTrue(cpu: ModelId): boolean {
  return ((caps(cpu)(0x480)!.hi >>> 23) & 1) === 1;
}
export function supports(cpu: ModelId, msr: number, bit: number): boolean {
  return ((allowed1(cpu, msr) >>> bit) & 1) === 1;
}

export type Field = keyof typeof VmcsField;
export const F = VmcsField;

export interface HvOptions {
  cpu: ModelId;
  /** Control transforms applied to the allowed-0 defaults. */
  pin?: (v: number) => number;
  proc?: (v: number) => number;
  /** Secondary controls; written only when given (and primary bit 31 is set by the transform or here). */
  proc2?: number;
  exit?: (v: number) => number;
  entry?: (v: number) => number;
  /** Extra VMWRITEs after the defaults: [field, value (number or asm expression)]. */
  fields?: ReadonlyArray<readonly [Field | number, number | string]>;
  /** Assembly run after the VMWRITEs and before the launch instruction. */
  setup?: string;
  /** The launch instruction(s) (default `vmlaunch`). */
  launch?: string;
  /** Assembly after the launch instruction when it falls through (VMfail). Default: read the error and hlt. */
  afterLaunch?: string;
  /** Guest code (default `hlt`). The label `guest` is its first instruction. */
  guest?: string;
  /** Host code at HOST_RIP (default: read the exit information and hlt). */
  handler?: string;
  /** Extra data/code appended at the end of the program. */
  data?: string;
  /** Skip VMXON etc. entirely: `body` is the whole program after `start:` (still with the data section). */
  body?: string;
  maxSteps?: number;
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/** `mov eax, enc; mov ebx, value; vmwrite eax, ebx`. */
export function vmw(field: Field | number, value: number | string): string {
  const enc = typeof field === 'number' ? field : F[field];
  const v = typeof value === 'number' ? hex(value) : value;
  return `  mov eax, ${hex(enc)}\n  mov ebx, ${v}\n  vmwrite eax, ebx\n`;
}
/** `mov eax, enc; vmread ebx, eax` (the value appears in a `vmx` trace record). */
export function vmr(field: Field | number, dest = 'ebx'): string {
  const enc = typeof field === 'number' ? field : F[field];
  return `  mov eax, ${hex(enc)}\n  vmread ${dest}, eax\n`;
}

/** The exit-information fields the default handler reads. */
export const EXIT_INFO_FIELDS: Field[] = [
  'VM_EXIT_REASON',
  'EXIT_QUALIFICATION',
  'VM_EXIT_INSTRUCTION_LEN',
  'VMX_INSTRUCTION_INFO',
  'VM_EXIT_INTR_INFO',
  'VM_EXIT_INTR_ERROR_CODE',
  'IDT_VECTORING_INFO_FIELD',
  'IDT_VECTORING_ERROR_CODE',
  'GUEST_LINEAR_ADDRESS',
  'GUEST_RIP',
  'VM_INSTRUCTION_ERROR',
];
export const READ_EXIT_INFO = EXIT_INFO_FIELDS.map((f) => vmr(f)).join('');

/** The preamble that enters VMX root operation with a current, clear VMCS at MEM.VMCS. */
export const VMXON_PREAMBLE = `
  mov eax, cr4
  or eax, 0x2000
  mov cr4, eax
  mov ecx, 0x480
  rdmsr
  and eax, 0x7fffffff
  mov [${hex(MEM.VMXON)}], eax
  mov [${hex(MEM.VMCS)}], eax
  mov [${hex(MEM.VMCS2)}], eax
  vmxon [vmxon_ptr]
  vmclear [vmcs_ptr]
  vmptrld [vmcs_ptr]
`;

/** Default control values for a model: the allowed-0 settings of the plain MSRs. */
export function defaultControls(cpu: ModelId): { pin: number; proc: number; exit: number; entry: number } {
  return { pin: allowed0(cpu, 0x481), proc: allowed0(cpu, 0x482), exit: allowed0(cpu, 0x483), entry: allowed0(cpu, 0x484) };
}

/** The guest/host state VMWRITEs of the tiny hypervisor. */
export function stateWrites(): string {
  const w: string[] = [];
  // ---- host state: the current (documented) state; CR0/CR3/CR4 read live.
  w.push('  mov eax, 0x6c00\n  mov ebx, cr0\n  vmwrite eax, ebx\n');
  w.push('  mov eax, 0x6c02\n  mov ebx, cr3\n  vmwrite eax, ebx\n');
  w.push('  mov eax, 0x6c04\n  mov ebx, cr4\n  vmwrite eax, ebx\n');
  w.push(vmw('HOST_CS_SELECTOR', 0x08));
  for (const s of ['ES', 'SS', 'DS', 'FS', 'GS'] as const) w.push(vmw(`HOST_${s}_SELECTOR` as Field, 0x10));
  w.push(vmw('HOST_TR_SELECTOR', 0x28));
  w.push(vmw('HOST_TR_BASE', 0x1100));
  w.push(vmw('HOST_GDTR_BASE', 0x1000));
  w.push(vmw('HOST_IDTR_BASE', 0));
  w.push(vmw('HOST_FS_BASE', 0));
  w.push(vmw('HOST_GS_BASE', 0));
  w.push(vmw('HOST_RSP', MEM.HOST_STACK));
  w.push(vmw('HOST_RIP', 'host_rip'));
  // ---- guest state: flat 32-bit protected mode, paging as the host.
  w.push('  mov eax, 0x6800\n  mov ebx, cr0\n  vmwrite eax, ebx\n');
  w.push('  mov eax, 0x6802\n  mov ebx, cr3\n  vmwrite eax, ebx\n');
  w.push('  mov eax, 0x6804\n  mov ebx, cr4\n  vmwrite eax, ebx\n');
  w.push(vmw('GUEST_DR7', 0x400));
  w.push(vmw('GUEST_CS_SELECTOR', 0x08));
  w.push(vmw('GUEST_CS_BASE', 0));
  w.push(vmw('GUEST_CS_LIMIT', 0xffffffff));
  w.push(vmw('GUEST_CS_AR_BYTES', 0xc09b));
  for (const s of ['ES', 'SS', 'DS', 'FS', 'GS'] as const) {
    w.push(vmw(`GUEST_${s}_SELECTOR` as Field, 0x10));
    w.push(vmw(`GUEST_${s}_BASE` as Field, 0));
    w.push(vmw(`GUEST_${s}_LIMIT` as Field, 0xffffffff));
    w.push(vmw(`GUEST_${s}_AR_BYTES` as Field, 0xc093));
  }
  w.push(vmw('GUEST_LDTR_SELECTOR', 0));
  w.push(vmw('GUEST_LDTR_AR_BYTES', 0x10000));
  w.push(vmw('GUEST_TR_SELECTOR', 0x28));
  w.push(vmw('GUEST_TR_BASE', 0x1100));
  w.push(vmw('GUEST_TR_LIMIT', 0x67));
  w.push(vmw('GUEST_TR_AR_BYTES', 0x8b));
  w.push(vmw('GUEST_GDTR_BASE', 0x1000));
  w.push(vmw('GUEST_GDTR_LIMIT', 0x3f));
  w.push(vmw('GUEST_IDTR_BASE', 0));
  w.push(vmw('GUEST_IDTR_LIMIT', 0));
  w.push(vmw('GUEST_RSP', MEM.GUEST_STACK));
  w.push(vmw('GUEST_RIP', 'guest'));
  w.push(vmw('GUEST_RFLAGS', 2));
  w.push(vmw('VMCS_LINK_POINTER', 0xffffffff));
  w.push(vmw(F.VMCS_LINK_POINTER + 1, 0xffffffff));
  w.push(vmw('GUEST_ACTIVITY_STATE', 0));
  w.push(vmw('GUEST_INTERRUPTIBILITY_INFO', 0));
  return w.join('');
}

/** Builds the lab-file source of a tiny hypervisor. */
export function hvSource(o: HvOptions): string {
  const d = defaultControls(o.cpu);
  const pin = (o.pin ?? ((v) => v))(d.pin);
  let proc = (o.proc ?? ((v) => v))(d.proc);
  if (o.proc2 !== undefined) proc |= 0x80000000;
  const exit = (o.exit ?? ((v) => v))(d.exit);
  const entry = (o.entry ?? ((v) => v))(d.entry);
  const lines: string[] = [];
  lines.push('; @mode bare', `; @cpu ${o.cpu}`, 'start:');
  if (o.body !== undefined) lines.push(o.body);
  else {
    lines.push(VMXON_PREAMBLE);
    lines.push(vmw('PIN_BASED_VM_EXEC_CONTROL', pin));
    lines.push(vmw('CPU_BASED_VM_EXEC_CONTROL', proc));
    if (o.proc2 !== undefined) lines.push(vmw('SECONDARY_VM_EXEC_CONTROL', o.proc2));
    lines.push(vmw('VM_EXIT_CONTROLS', exit));
    lines.push(vmw('VM_ENTRY_CONTROLS', entry));
    lines.push(stateWrites());
    for (const [f, v] of o.fields ?? []) lines.push(vmw(f, v));
    if (o.setup) lines.push(o.setup);
    lines.push(o.launch ?? '  vmlaunch');
    lines.push(o.afterLaunch ?? `  pushfd\n  pop esi\n${vmr('VM_INSTRUCTION_ERROR', 'edi')}  hlt`);
    lines.push('host_rip:');
    lines.push(o.handler ?? `${READ_EXIT_INFO}  hlt`);
    lines.push('guest:');
    lines.push(o.guest ?? '  hlt');
  }
  lines.push('  hlt');
  lines.push(o.data ?? '');
  lines.push('align 8', `vmxon_ptr: dq ${hex(MEM.VMXON)}`, `vmcs_ptr: dq ${hex(MEM.VMCS)}`, `vmcs2_ptr: dq ${hex(MEM.VMCS2)}`);
  lines.push('scratch: times 64 db 0');
  return lines.join('\n') + '\n';
}

export interface RunResult {
  source: string;
  events: TraceRecord[];
  end: TraceRecord & { reason: string; registers: Record<string, string> };
  exits: TraceRecord[];
  fails: TraceRecord[];
  entries: TraceRecord[];
  exceptions: TraceRecord[];
  /** Values of successful VMREADs by encoding (the last read of each), as unsigned 32-bit numbers. */
  reads: Map<number, number>;
  /** All successful VMREAD values in order. */
  readList: Array<[number, number]>;
  /** A register from the end record. */
  reg(name: string): number;
  /** Last VMREAD value of a field. */
  read(field: Field | number): number | undefined;
}

export function runSource(source: string, maxSteps = 200_000): RunResult {
  const events: TraceRecord[] = [];
  const r = runLab(source, { trace: new JsonSink((rec) => events.push(rec)), maxSteps });
  if (!r.ok) throw new Error('lab errors: ' + JSON.stringify(r.errors) + '\n' + source);
  const reads = new Map<number, number>();
  const readList: Array<[number, number]> = [];
  for (const e of events) {
    if (e.type === 'vmx' && e.instruction === 'VMREAD') {
      const enc = Number(e.operand);
      const v = Number(BigInt(e.value as string) & 0xffffffffn);
      reads.set(enc, v);
      readList.push([enc, v]);
    }
  }
  const end = r.end as RunResult['end'];
  return {
    source,
    events,
    end,
    exits: events.filter((e) => e.type === 'vmexit'),
    fails: events.filter((e) => e.type === 'vmfail'),
    entries: events.filter((e) => e.type === 'vmentry'),
    exceptions: events.filter((e) => e.type === 'exception'),
    reads,
    readList,
    reg: (name) => Number(end.registers[name]) >>> 0,
    read: (f) => reads.get(typeof f === 'number' ? f : F[f]),
  };
}

export function runHv(o: HvOptions): RunResult {
  return runSource(hvSource(o), o.maxSteps);
}

/** A bare program (no preamble) with the standard data labels. */
export function bareSource(cpu: ModelId, body: string, data = ''): string {
  return hvSource({ cpu, body, data });
}

/** RFLAGS bits the VMX instructions define (CF PF AF ZF SF OF). */
export const VMX_FLAGS = 0x8d5;
export const CF = 1;
export const ZF = 0x40;

/**
 * A guest IDT at MEM.GUEST_IDT: 256 interrupt gates (DPL 3, so INT n works at any CPL) to 8-byte stubs that
 * push the vector and jump to `guest_common` (which executes CPUID: a VM exit). Put GUEST_IDT_SETUP in
 * `setup`, ISR_TABLE in `data`, and the fields from GUEST_IDT_FIELDS in `fields`.
 * The stack at the exit is [vector, (error code), EIP, CS, EFLAGS, ...]; STACK_HANDLER reads it into
 * ECX (vector), EDX, ESI, EDI.
 */
/** The second EPT page table: GPAs 2–4 MiB (IDENTITY_EPT_SETUP). */
export const EPT_PT1 = MEM.EPT_PT + 0x1000;
/** Identity EPT for GPAs 0–4 MiB with 4-KByte pages, RWX, WB (leaf 0x37), at MEM.EPT_PML4 (EPTP MEM.EPT_PML4 | 0x1E). */
/**
 * Guest assembly filling `count` 8-byte table entries at `base` with identity entries: entry k = (k << shift) | flags,
 * high dword 0 (EPT or PAE page tables and directories for the conformance set-ups). `label` names the loop.
 */
export function fillTable(label: string, base: number, count: number, shift: number, flags: number): string {
  return `  mov edi, ${base}
  xor eax, eax
${label}:
  mov edx, eax
  shl edx, ${shift}
  or edx, ${flags}
  mov [edi + eax*8], edx
  mov dword [edi + eax*8 + 4], 0
  inc eax
  cmp eax, ${count}
  jne ${label}
`;
}
export const IDENTITY_EPT_SETUP = `
  mov dword [${MEM.EPT_PML4}], ${MEM.EPT_PDPT | 7}
  mov dword [${MEM.EPT_PDPT}], ${MEM.EPT_PD | 7}
  mov dword [${MEM.EPT_PD}], ${MEM.EPT_PT | 7}
  mov dword [${MEM.EPT_PD + 8}], ${EPT_PT1 | 7}
${fillTable('ept_fill', MEM.EPT_PT, 1024, 12, 0x37)}`;
export const GUEST_IDT_SETUP = `
  mov edi, ${hex(MEM.GUEST_IDT)}
  mov eax, isr_table
  mov ecx, 256
idt_fill:
  mov edx, eax
  and edx, 0xffff
  or edx, 0x80000
  mov [edi], edx
  mov edx, eax
  and edx, 0xffff0000
  or edx, 0xee00
  mov [edi+4], edx
  add eax, 8
  add edi, 8
  dec ecx
  jnz idt_fill
`;
export const ISR_TABLE =
  'align 8\nisr_table:\n' +
  Array.from({ length: 256 }, (_, n) => `  db 0x6a, ${n & 0xff}, 0xe9\n  dd guest_common - ($ + 4)\n  db 0x90`).join('\n') +
  '\nguest_common:\n  cpuid\n  hlt\n';
export const GUEST_IDT_FIELDS: ReadonlyArray<readonly [Field, number]> = [
  ['GUEST_IDTR_BASE', MEM.GUEST_IDT],
  ['GUEST_IDTR_LIMIT', 0x7ff],
];
export const STACK_HANDLER = `${vmr('GUEST_RSP', 'ebx')}  mov ecx, [ebx]\n  mov edx, [ebx+4]\n  mov esi, [ebx+8]\n  mov edi, [ebx+12]\n  hlt\n`;

/**
 * Runs a lab source on a BareMachine directly (same set-up as `runLab` bare mode), for assertions on state
 * the trace does not carry (segment caches, MSRs). Returns the machine and the trace records.
 */
export function runMachine(
  source: string,
  maxSteps = 200_000,
  hooks: {
    /** Runs after reset and load, before the first instruction (e.g. to change an MSR). */
    prepare?: (m: BareMachine) => void;
    /** Runs once, after the first VM entry: the machine is then run again to completion. */
    afterFirstEntry?: (m: BareMachine) => void;
  } = {},
): { m: BareMachine; events: TraceRecord[]; reason: string } {
  const events: TraceRecord[] = [];
  const hdr = /@cpu\s+(\S+)/.exec(source);
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error('asm errors: ' + JSON.stringify(asm.errors));
  const m = new BareMachine({ model: toProcessorModel(getCpuModel(hdr ? hdr[1] : 'nehalem')!), trace: new JsonSink((r) => events.push(r)) });
  m.load(asm.bytes, asm.origin, asm.entry);
  hooks.prepare?.(m);
  if (hooks.afterFirstEntry === undefined) {
    const out = m.run(maxSteps);
    return { m, events, reason: out.reason };
  }
  // Step until the first VM entry, then let the hook act at that instruction boundary.
  let steps = 0;
  while (!events.some((e) => e.type === 'vmentry') && steps < maxSteps) {
    m.run(1);
    steps++;
  }
  hooks.afterFirstEntry(m);
  const out = m.run(maxSteps - steps);
  return { m, events, reason: out.reason };
}
