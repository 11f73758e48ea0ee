/**
 * The attack surface: what a guest can make the VMM do, computed from the code rather than listed by hand.
 *
 * VT-x VMM (src/core/vmm): the VMM runs only at a VM exit, so the surface is the set of exit reasons a guest
 * can cause under the controls the VMM actually programs on this CPU model (planVmcs), each with the handler
 * EXIT_HANDLERS dispatches to, plus the hypercalls VMCALL reaches. When an exit happens is the SDM's rule
 * (Vol. 3C §25.1.2 instructions that always exit, §25.1.3 those a control selects, §25.2 events); the rules
 * are the TRIGGERS table below, evaluated against the live control words. Then each reason is confirmed or
 * not by *probes*: tiny guest programs run on the core, whose exits are counted. Hypercalls are found the
 * same way: VMCALL with every function number 0…15, and whichever does not answer ENOSYS is implemented.
 *
 * Software VMM (binary translation, src/core/techniques/binary-translation): the VMM decodes and translates
 * every guest-kernel instruction, emulates each sensitive one in a callout, and takes every trap. The callouts
 * are found by sweeping the opcode map through the decoder and the translator's own classifier (calloutOf).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/securitycore.ts';
import { assemble } from '../x86/asm/index.ts';
import { decodeInsn } from '../x86/decoder.ts';
import { Insn } from '../x86/insn.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import { EXIT_HANDLERS, handlerInfo } from '../vmm/exits.ts';
import { HC_ENOSYS, HYPERCALL_NAMES } from '../vmm/hypercalls.ts';
import type { VmcsPlan } from '../vmm/vm.ts';
import { VmState } from '../trace/events.ts';
import { EXIT_REASONS } from '../vmx/spec/exit-reasons.ts';
import { PinBased, ProcBased, ProcBased2 } from '../vmx/spec/controls.ts';
import { BT_CALLOUT_NAMES, BtCallout, calloutOf } from '../techniques/binary-translation/index.ts';
import { TRAP_CAUSE_NAMES } from '../techniques/deprivileged/emulated.ts';

// ------------------------------------------------------------------------------------ VT-x

/** How a guest gets exit reason r (SDM Vol. 3C §25.1–25.2); `host`: caused by the host, not the guest's choice. */
type Trigger =
  | { kind: 'always'; why: string; cpuidEcx1?: number }
  | { kind: 'control'; test: (p: VmcsPlan) => boolean; why: string }
  | { kind: 'host'; test: (p: VmcsPlan) => boolean; why: string };

const P = (p: VmcsPlan) => p.controls;
const pri = (mask: number) => (p: VmcsPlan) => (P(p).primary & mask) !== 0;
const sec = (mask: number) => (p: VmcsPlan) => (P(p).primary & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0 && (P(p).secondary & mask) !== 0;
const ept = sec(ProcBased2.ENABLE_EPT);

const TRIGGERS: Readonly<Record<number, Trigger>> = {
  0: { kind: 'control', test: (p) => p.exceptionBitmap !== 0, why: t('securitycore.surface.anExceptionWhoseBitIs') },
  1: { kind: 'host', test: (p) => (P(p).pin & PinBased.EXTERNAL_INTERRUPT_EXITING) !== 0, why: t('securitycore.surface.aHostInterruptExternalInterrupt') },
  2: { kind: 'always', why: t('securitycore.surface.aFaultWhileDeliveringA') },
  7: { kind: 'host', test: () => true, why: t('securitycore.surface.theVmmAsksForIt') },
  9: { kind: 'always', why: t('securitycore.surface.aTaskSwitchAlwaysExits') },
  10: { kind: 'always', why: t('securitycore.surface.cpuidAlwaysExits251') },
  // GETSEC and XSETBV exit unconditionally, but their #UD (no SMX / CR4.OSXSAVE unsettable without XSAVE) has
  // priority over the VM exit (SDM Vol. 3C §25.1.1): only a processor with the feature (CPUID.1:ECX bit) exits.
  11: { kind: 'always', why: t('securitycore.surface.getsecAlwaysExits251'), cpuidEcx1: 1 << 6 },
  12: { kind: 'control', test: pri(ProcBased.HLT_EXITING), why: '"HLT exiting"' }, // i18n-ignore: an SDM control name
  13: { kind: 'always', why: t('securitycore.surface.invdAlwaysExits') },
  14: { kind: 'control', test: pri(ProcBased.INVLPG_EXITING), why: '"INVLPG exiting"' }, // i18n-ignore: an SDM control name
  15: { kind: 'control', test: pri(ProcBased.RDPMC_EXITING), why: '"RDPMC exiting"' }, // i18n-ignore: an SDM control name
  16: { kind: 'control', test: pri(ProcBased.RDTSC_EXITING), why: '"RDTSC exiting"' }, // i18n-ignore: an SDM control name
  18: { kind: 'always', why: t('securitycore.surface.vmcallAlwaysExits') },
  19: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExitIn') },
  20: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExit') },
  21: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExit') },
  22: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExit') },
  23: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExitNo') },
  24: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExit') },
  25: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExitNo') },
  26: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExit') },
  27: { kind: 'always', why: t('securitycore.surface.vmxInstructionsAlwaysExit') },
  28: {
    kind: 'control',
    test: (p) => p.cr0Mask !== 0 || p.cr4Mask !== 0 || (P(p).primary & (ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING | ProcBased.CR8_LOAD_EXITING | ProcBased.CR8_STORE_EXITING)) !== 0,
    why: t('securitycore.surface.cr0Cr4GuestHostMasks'),
  },
  29: { kind: 'control', test: pri(ProcBased.MOV_DR_EXITING), why: '"MOV-DR exiting"' }, // i18n-ignore: an SDM control name
  30: { kind: 'control', test: pri(ProcBased.UNCONDITIONAL_IO_EXITING | ProcBased.USE_IO_BITMAPS), why: t('securitycore.surface.ioBitmapsOrUnconditional') },
  31: { kind: 'control', test: () => true, why: t('securitycore.surface.msrBitmapsAnMsrWhose') },
  32: { kind: 'control', test: () => true, why: t('securitycore.surface.msrBitmapsAnMsrWhose2') },
  36: { kind: 'control', test: pri(ProcBased.MWAIT_EXITING), why: '"MWAIT exiting"' }, // i18n-ignore: an SDM control name
  37: { kind: 'host', test: pri(ProcBased.MONITOR_TRAP_FLAG), why: t('securitycore.surface.monitorTrapFlagDebugger') },
  39: { kind: 'control', test: pri(ProcBased.MONITOR_EXITING), why: '"MONITOR exiting"' }, // i18n-ignore: an SDM control name
  40: { kind: 'control', test: (p) => pri(ProcBased.PAUSE_EXITING)(p) || sec(ProcBased2.PAUSE_LOOP_EXITING)(p), why: t('securitycore.surface.pauseOrPauseLoopExiting') },
  46: { kind: 'control', test: sec(ProcBased2.DESCRIPTOR_TABLE_EXITING), why: '"descriptor-table exiting"' }, // i18n-ignore: an SDM control name
  47: { kind: 'control', test: sec(ProcBased2.DESCRIPTOR_TABLE_EXITING), why: '"descriptor-table exiting"' }, // i18n-ignore: an SDM control name
  48: { kind: 'control', test: ept, why: t('securitycore.surface.enableEptAnAccess') },
  49: { kind: 'control', test: ept, why: t('securitycore.surface.enableEptAMalformedEpt') },
  50: { kind: 'always', why: t('securitycore.surface.inveptAlwaysExits251') },
  51: { kind: 'control', test: (p) => pri(ProcBased.RDTSC_EXITING)(p) && sec(ProcBased2.ENABLE_RDTSCP)(p), why: t('securitycore.surface.rdtscExitingWithEnableRdtscp') },
  52: { kind: 'host', test: (p) => (P(p).pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) !== 0, why: t('securitycore.surface.theVmxPreemptionTimerThe') },
  53: { kind: 'always', why: t('securitycore.surface.invvpidAlwaysExits251') },
  54: { kind: 'control', test: sec(ProcBased2.WBINVD_EXITING), why: '"WBINVD exiting"' }, // i18n-ignore: an SDM control name
  55: { kind: 'always', why: t('securitycore.surface.xsetbvAlwaysExits'), cpuidEcx1: 1 << 26 },
  57: { kind: 'control', test: sec(ProcBased2.RDRAND_EXITING), why: '"RDRAND exiting"' }, // i18n-ignore: an SDM control name
  58: { kind: 'control', test: (p) => pri(ProcBased.INVLPG_EXITING)(p) && sec(ProcBased2.ENABLE_INVPCID)(p), why: t('securitycore.surface.invlpgExitingWithInvpcid') },
  61: { kind: 'control', test: sec(ProcBased2.RDSEED_EXITING), why: '"RDSEED exiting"' }, // i18n-ignore: an SDM control name
};

export interface ExitSurfaceRow {
  reason: number;
  name: string;
  /** Who decides it happens: the guest (always / by a control in effect) or the host. */
  by: 'guest-always' | 'guest-control' | 'host';
  why: string;
  /** The handler EXIT_HANDLERS dispatches to (handle_unexpected: none — the VM is stopped). */
  handler: string;
  handled: boolean;
  /** A probe guest produced this exit on the core (null: no probe for it). */
  observed: boolean | null;
}

export interface HypercallRow {
  fn: number;
  name: string;
}

/** Probes: guest programs, each expected to produce the named exits if the controls say so. */
const PROBES: readonly { reasons: number[]; src: string; limit?: number; neighbour?: boolean }[] = [
  { reasons: [10], src: 'mov eax, 0\n cpuid' },
  { reasons: [12], src: 'sti\n hlt' },
  { reasons: [13], src: 'invd' },
  { reasons: [14], src: 'invlpg [0x5000]' },
  { reasons: [15], src: 'xor ecx, ecx\n rdpmc' },
  { reasons: [16], src: 'rdtsc' },
  { reasons: [18], src: 'mov eax, 0\n vmcall' },
  { reasons: [27, 2], src: 'vmxon [0x5000]' },
  { reasons: [19], src: 'vmclear [0x5000]' },
  { reasons: [28], src: 'mov eax, 0x300000\n mov cr3, eax\n mov eax, cr3' },
  { reasons: [28], src: 'mov eax, cr4\n or eax, 0x2000\n mov cr4, eax' },
  { reasons: [29], src: 'mov eax, dr7' },
  { reasons: [30], src: 'in al, 0x40\n out 0x80, al' },
  { reasons: [31], src: 'mov ecx, 0x10\n rdmsr' },
  { reasons: [32], src: 'mov ecx, 0x174\n xor eax, eax\n xor edx, edx\n wrmsr' },
  { reasons: [36, 39], src: 'mov eax, 0x5000\n xor ecx, ecx\n xor edx, edx\n monitor\n mwait' },
  { reasons: [40], src: 'pause' },
  { reasons: [46], src: 'sgdt [0x5000]' },
  { reasons: [47], src: 'str ax' },
  { reasons: [48], src: 'mov eax, [0x600000]' },
  { reasons: [51], src: 'rdtscp' },
  { reasons: [54], src: 'wbinvd' },
  { reasons: [55], src: 'mov eax, cr4\n or eax, 0x40000\n mov cr4, eax\n xor ecx, ecx\n mov eax, 1\n xor edx, edx\n xsetbv' },
  { reasons: [0, 2], src: 'int3' },
  { reasons: [0, 2], src: 'ud2' },
  { reasons: [1, 52], src: 'mov ecx, 4000000\n.w:\n dec ecx\n jnz .w', limit: 12_000_000, neighbour: true },
];

const VM_BYTES = 4 * 1048576;
const ENTRY = 0x10000;

function newHost(cpu: string, vms = 1): Hypervisor {
  const model = toProcessorModel(getCpuModel(cpu)!);
  return new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + vms * VM_BYTES, costs: guestCostsFor(cpu), sliceCycles: 100_000 });
}

/** Runs a guest body (then a POWEROFF hypercall) alone on the core; returns its exit counts and the VM. */
function probe(cpu: string, body: string, limit = 4_000_000, neighbour = false) {
  const hv = newHost(cpu, neighbour ? 2 : 1);
  const vm = hv.createVm({ name: 'probe', memoryBytes: VM_BYTES, vcpus: 1 }, ENTRY);
  if (neighbour) {
    // A second VM that only spins: the VMM now has to share the processor and takes it back by its timer.
    const other = hv.createVm({ name: 'neighbour', memoryBytes: VM_BYTES, vcpus: 1 }, ENTRY);
    other.mem.load(ENTRY, Uint8Array.of(0xeb, 0xfe));
  }
  // i18n-ignore: guest assembly source
  const a = assemble(`start:\n ${body}\n mov [0x3000], eax\n mov eax, 3\n xor ebx, ebx\n vmcall\n jmp $\n`, { origin: ENTRY });
  if (!a.ok) throw new Error(`probe does not assemble: ${body}: ${JSON.stringify(a.errors)}`);
  vm.mem.load(ENTRY, a.bytes);
  vm.mem.write32(0x3000, -1);
  hv.cache.clear();
  hv.run(limit);
  return vm;
}

export interface VtxSurface {
  cpu: string;
  mmu: 'ept' | 'shadow';
  /** The control words in effect (hex), for the record. */
  controls: { pin: string; primary: string; secondary: string; exceptionBitmap: string };
  exits: ExitSurfaceRow[];
  hypercalls: HypercallRow[];
  /** Function numbers probed for hypercalls. */
  hypercallsProbed: number;
}

const hx = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

export function vtxSurface(cpu: string): VtxSurface {
  if (getCpuModel(cpu) === undefined) throw new RangeError(`unknown CPU model '${cpu}'`);
  const hv = newHost(cpu);
  const plan = hv.createVm({ name: 'plan', memoryBytes: VM_BYTES, vcpus: 1 }, ENTRY).plan;
  const ecx1 = hv.model.cpuid(1, 0)[2];
  // Probes first: which exits do guests really produce on this model?
  const seen = new Set<number>();
  const probed = new Set<number>();
  for (const p of PROBES) {
    for (const r of p.reasons) probed.add(r);
    const vm = probe(cpu, p.src, p.limit, p.neighbour);
    vm.stats.count.forEach((n, r) => {
      if (n > 0) seen.add(r);
    });
  }
  const exits: ExitSurfaceRow[] = [];
  for (const info of EXIT_REASONS) {
    const trig = TRIGGERS[info.reason];
    if (trig === undefined) continue;
    const on = trig.kind === 'always' ? trig.cpuidEcx1 === undefined || (ecx1 & trig.cpuidEcx1) !== 0 : trig.test(plan);
    if (!on) continue;
    const handled = EXIT_HANDLERS[info.reason] !== undefined;
    exits.push({
      reason: info.reason,
      name: info.sdmName,
      by: trig.kind === 'always' ? 'guest-always' : trig.kind === 'control' ? 'guest-control' : 'host',
      why: trig.why,
      handler: handled ? handlerInfo(info.reason).name : t('securitycore.surface.handleUnexpectedTheVmIs'),
      handled,
      observed: seen.has(info.reason) ? true : probed.has(info.reason) ? false : null,
    });
  }
  // Hypercalls: VMCALL with EAX = fn; ENOSYS means no such function. POWEROFF ends the VM before the store.
  const hypercalls: HypercallRow[] = [];
  const N = 16;
  for (let fn = 0; fn < N; fn++) {
    // i18n-ignore: guest assembly source
    const vm = probe(cpu, `mov eax, ${fn}\n mov ebx, 0x${ENTRY.toString(16)}\n mov ecx, 1\n vmcall`);
    const result = vm.mem.read32(0x3000) | 0;
    const stoppedInCall = vm.state === VmState.STOPPED && result === -1;
    if (result !== HC_ENOSYS || stoppedInCall) hypercalls.push({ fn, name: HYPERCALL_NAMES[fn] ?? `function ${fn}` });
  }
  return {
    cpu,
    mmu: plan.mmu,
    controls: { pin: hx(plan.controls.pin), primary: hx(plan.controls.primary), secondary: hx(plan.controls.secondary), exceptionBitmap: hx(plan.exceptionBitmap) },
    exits,
    hypercalls,
    hypercallsProbed: N,
  };
}

// ------------------------------------------------------------------------------------ software VMM

export interface CalloutRow {
  id: number;
  name: string;
  /** Opcode forms (opcode, and ModRM.reg / register-vs-memory where they matter) that reach it. */
  forms: number;
}

export interface SoftwareSurface {
  /** Opcode forms the sweep decoded: each one, met in guest-kernel code, is decoded and translated by the VMM. */
  translatedForms: number;
  callouts: CalloutRow[];
  /** Why the VMM takes a trap (every exception and interrupt goes through it and is reflected). */
  trapCauses: string[];
  /** Exception vectors the VMM reflects (all 32 architectural ones) and interrupt vectors (virtual PIC: 16 IRQs). */
  reflectedVectors: number;
}

/** Prefix bytes are not opcodes: the sweep skips them (SDM Vol. 2 §2.1.1). */
const PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x0f]);

export function softwareSurface(): SoftwareSurface {
  const insn = new Insn();
  const buf = new Uint8Array(16);
  const forms = new Map<number, number>();
  let decoded = 0;
  const tryBytes = (bytes: number[]) => {
    buf.fill(0);
    buf.set(bytes);
    if (!decodeInsn(buf, 0, 16, 32, insn)) return;
    decoded++;
    const c = calloutOf(insn);
    if (c !== BtCallout.NONE) forms.set(c, (forms.get(c) ?? 0) + 1);
  };
  // Each opcode with ModRM.reg 0…7, memory (mod 0, [EAX]) and register (mod 3) forms; opcodes without ModRM
  // decode the same for every variant, so count them once.
  const sweep = (prefix: number[]) => {
    for (let op = 0; op < 256; op++) {
      if (prefix.length === 0 && PREFIXES.has(op)) continue;
      const seenLen = new Set<string>();
      for (const mod of [0, 3]) {
        for (let reg = 0; reg < 8; reg++) {
          buf.fill(0);
          const bytes = [...prefix, op, (mod << 6) | (reg << 3)];
          buf.set(bytes);
          if (!decodeInsn(buf, 0, 16, 32, insn)) continue;
          // Without a ModRM byte the variants are the same instruction.
          const key = `${insn.len}:${insn.opcode}:${insn.reg}:${insn.mod}`;
          if (seenLen.has(key)) continue;
          seenLen.add(key);
          tryBytes(bytes);
        }
      }
    }
  };
  sweep([]);
  sweep([0x0f]);
  return {
    translatedForms: decoded,
    callouts: [...forms.entries()].sort((a, b) => a[0] - b[0]).map(([id, n]) => ({ id, name: BT_CALLOUT_NAMES[id], forms: n })),
    trapCauses: [...TRAP_CAUSE_NAMES],
    reflectedVectors: 32 + 16,
  };
}
