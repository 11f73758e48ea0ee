/**
 * Guest-escape attempts, each a real run on the VMX core (src/core/vmm/hypervisor.ts): two VMs share one
 * physical CPU — a victim (the SIP PBX, printing its progress and holding a secret in its memory) and an
 * attacker guest at CPL 0 in VMX non-root operation, trying to reach past its VM. What stops each attempt is
 * whatever stops it in the core: an EPT violation (SDM Vol. 3C §28.2.3), the VMM's shadow page tables on a
 * processor without EPT, the I/O bitmaps and the per-VM device model, or external-interrupt exiting
 * (SDM Vol. 3C §25.3: with "external-interrupt exiting" = 1, RFLAGS.IF does not block external interrupts
 * in non-root operation — they cause VM exits).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/securitycore.ts';
import { assemble } from '../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import type { Vm } from '../vmm/vm.ts';
import { VM_STATE_NAMES, VmState } from '../trace/events.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';

import { ESCAPE_INFO, type EscapeId } from './escape-info.ts';

export { ESCAPE_IDS, ESCAPE_INFO, type EscapeId } from './escape-info.ts';

const MIB = 1048576;
const VM_BYTES = 4 * MIB;
const ENTRY = 0x10000;
/** Where the victim keeps its secret (guest-physical) and the secret itself. */
export const VICTIM_SECRET_GPA = 0x200000;
export const VICTIM_SECRET = 0x5ec2e7ed;
/** The value the attacker tries to plant (an EPT entry with read/write/execute, or a PTE: present, writable, user). */
export const ATTACK_VALUE = 0x0bad0007;
const VICTIM_CHARS = 5;
const RUN_LIMIT = 6_000_000;

export interface ExitCount {
  reason: number;
  name: string;
  count: number;
}

export interface EscapeOutcome {
  id: EscapeId;
  cpu: string;
  mmu: 'ept' | 'shadow';
  title: string;
  tries: string;
  /** True when the victim is untouched and the host kept control. */
  held: boolean;
  /** One line: what stopped the attempt. */
  stoppedBy: string;
  attacker: { state: string; message: string; exits: ExitCount[]; console: string };
  victim: { state: string; console: string; secretBefore: number; secretAfter: number; progress: number };
  /** Facts read from the core after the run, one per line. */
  evidence: string[];
}

function program(src: string): Uint8Array {
  const a = assemble(src, { origin: ENTRY });
  if (!a.ok) throw new Error(`escape program does not assemble: ${JSON.stringify(a.errors)}`);
  return a.bytes;
}

/** The victim: prints 'v' VICTIM_CHARS times over the paravirtual console, spinning between, then powers off. */
// i18n-ignore: guest assembly source (assembled, never shown)
const VICTIM = `
start:
  mov esi, ${VICTIM_CHARS}
.l:
  mov eax, 1
  mov ebx, 'v'
  vmcall
  mov ecx, 150000
.w:
  dec ecx
  jnz .w
  dec esi
  jnz .l
  mov eax, 3
  xor ebx, ebx
  vmcall
  jmp $
`;

function attackerSource(id: EscapeId, victimHpa: number, vmmRoot: number): string {
  const target = victimHpa + VICTIM_SECRET_GPA;
  switch (id) {
    case 'memory':
      // i18n-ignore: guest assembly source (assembled, never shown)
      return `
start:
  mov dword [0x${target.toString(16)}], 0x${ATTACK_VALUE.toString(16)}
  mov eax, 3
  xor ebx, ebx
  vmcall
  jmp $
`;
    case 'page-tables':
      // i18n-ignore: guest assembly source (assembled, never shown)
      return `
start:
  mov edi, 0x300000      ; page directory
  mov ecx, 1024
  xor eax, eax
  rep stosd
  mov edi, 0x301000      ; page table 0: identity map of the first 4 MiB
  mov eax, 0x7
  mov ecx, 1024
.pt:
  stosd
  add eax, 0x1000
  dec ecx
  jnz .pt
  mov dword [0x300000], 0x301007
  mov dword [0x302000], 0x${(vmmRoot | 7).toString(16)}   ; linear 0x400000 -> the VMM's page-table root
  mov dword [0x302004], 0x${(target & ~0xfff | 7).toString(16)}   ; linear 0x401000 -> the victim's secret page
  mov dword [0x300004], 0x302007
  mov eax, 0x300000
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  mov edi, 0x400000      ; "rewrite" every entry of the VMM's root table
  mov eax, 0x${ATTACK_VALUE.toString(16)}
  mov ecx, 1024
  rep stosd
  mov eax, [0x400000]
  mov [0x3000], eax      ; what the guest reads back
  mov dword [0x${(0x401000 + (target & 0xfff)).toString(16)}], 0x${ATTACK_VALUE.toString(16)}
  mov eax, 3
  xor ebx, ebx
  vmcall
  jmp $
`;
    case 'interrupts':
      // i18n-ignore: guest assembly source (assembled, never shown)
      return `
start:
  cli
  pushf
  pop eax
  mov [0x3000], eax      ; RFLAGS as the guest sees it (IF = bit 9)
  jmp $
`;
    case 'console':
      // i18n-ignore: guest assembly source (assembled, never shown)
      return `
start:
  mov dx, 0x3f8
  mov esi, msg
.c:
  mov al, [esi]
  test al, al
  jz .pv
  out dx, al
  inc esi
  jmp .c
.pv:
  mov eax, 1
  mov ebx, '!'
  vmcall
  mov eax, 3
  xor ebx, ebx
  vmcall
  jmp $
msg:
  db 'pwned', 10, 0
`;
  }
}

function exitsOf(vm: Vm): ExitCount[] {
  const out: ExitCount[] = [];
  vm.stats.count.forEach((n, reason) => {
    if (n > 0) out.push({ reason, name: exitReasonInfo(reason)?.sdmName ?? `reason ${reason}`, count: n });
  });
  return out;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase()}`;

/** Runs one escape attempt on CPU model `cpu` (a model id of src/core/cpu-models). */
export function runEscape(id: EscapeId, cpu: string): EscapeOutcome {
  const m = getCpuModel(cpu);
  if (m === undefined) throw new RangeError(`unknown CPU model '${cpu}'`);
  const model = toProcessorModel(m);
  const hv = new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + 2 * VM_BYTES, costs: guestCostsFor(cpu), sliceCycles: 100_000 });
  const victim = hv.createVm({ name: 'SIP PBX (victim)', memoryBytes: VM_BYTES, vcpus: 1 }, ENTRY);
  const attacker = hv.createVm({ name: 'attacker', memoryBytes: VM_BYTES, vcpus: 1 }, ENTRY);
  const mmu = victim.plan.mmu;
  const vmmRoot = mmu === 'ept' ? attacker.ept!.pml4 : attacker.vcpus[0].shadowPd;
  victim.mem.load(ENTRY, program(VICTIM));
  victim.mem.write32(VICTIM_SECRET_GPA, VICTIM_SECRET);
  attacker.mem.load(ENTRY, program(attackerSource(id, victim.mem.base, vmmRoot)));
  hv.cache.clear();
  const secretBefore = victim.mem.read32(VICTIM_SECRET_GPA) >>> 0;
  const stop = hv.run(RUN_LIMIT);
  victim.flushUart();
  attacker.flushUart();
  hv.flushHostUart();
  const secretAfter = victim.mem.read32(VICTIM_SECRET_GPA) >>> 0;
  const exits = exitsOf(attacker);
  const progress = [...victim.console].filter((ch) => ch === 'v').length;
  const victimOk = secretAfter === secretBefore && victim.state === VmState.STOPPED && progress === VICTIM_CHARS && victim.console === 'v'.repeat(VICTIM_CHARS);
  const evidence: string[] = [];
  let held = victimOk;
  let stoppedBy = '';
  const count = (r: number): number => attacker.stats.count[r] ?? 0;
  evidence.push(t('securitycore.escape.victimSecretAtGuestPhysical', { gpa: hex(VICTIM_SECRET_GPA), hpa: hex(victim.mem.base + VICTIM_SECRET_GPA), secretBefore: hex(secretBefore), secretAfter: hex(secretAfter) }));
  evidence.push(t('securitycore.escape.victimConsoleOfProgressMarks', { console: victim.console, progress, total: VICTIM_CHARS, state: VM_STATE_NAMES[victim.state] }));
  switch (id) {
    case 'memory': {
      if (mmu === 'ept') {
        stoppedBy = count(48) > 0 ? t('securitycore.escape.eptViolationExitReason48') : t('securitycore.escape.noEptViolationWasSeen');
        held &&= count(48) > 0 && attacker.state === VmState.CRASHED;
      } else {
        stoppedBy = t('securitycore.escape.theVmmSShadowPage');
        held &&= attacker.state === VmState.CRASHED;
      }
      break;
    }
    case 'page-tables': {
      let planted = 0;
      for (let k = 0; k < 4096; k += 4) if ((hv.mem.read32(vmmRoot + k) >>> 0) === ATTACK_VALUE) planted++;
      const landed = attacker.mem.read32(vmmRoot) >>> 0;
      evidence.push(t(mmu === 'ept' ? 'securitycore.escape.theVmmSEptAtHost' : 'securitycore.escape.theVmmSShadowAtHost', { vmmRoot: hex(vmmRoot), planted }));
      evidence.push(t('securitycore.escape.theAttackerSOwnGuest', { vmmRoot: hex(vmmRoot), landed: hex(landed) }));
      evidence.push(t('securitycore.escape.movToCr3ExitsControl', { count: count(28) }));
      stoppedBy =
        mmu === 'ept'
          ? t('securitycore.escape.guestPagingOnlyTranslatesTo', { count: count(48) })
          : t('securitycore.escape.theGuestSPageTables');
      held &&= planted === 0 && landed === ATTACK_VALUE && attacker.state === VmState.CRASHED;
      break;
    }
    case 'interrupts': {
      const flags = attacker.mem.read32(0x3000) >>> 0;
      const back = count(1) + count(52);
      evidence.push(t('securitycore.escape.theAttackerSRflagsAfter', { flags: hex(flags), ifBit: (flags >>> 9) & 1 }));
      evidence.push(t('securitycore.escape.theHostTookTheProcessor', { back, external: count(1), timer: count(52) }));
      evidence.push(t('securitycore.escape.theAttackerIsStillSpinning', { state: VM_STATE_NAMES[attacker.state], stop }));
      stoppedBy = t('securitycore.escape.externalInterruptExitingAndThe');
      held &&= ((flags >>> 9) & 1) === 0 && back > 0;
      break;
    }
    case 'console': {
      evidence.push(t('securitycore.escape.theAttackerSOwnConsole', { console: JSON.stringify(attacker.console) }));
      evidence.push(t('securitycore.escape.theHostSCom1', { console: JSON.stringify(hv.hostConsole) }));
      evidence.push(t('securitycore.escape.iOInstructionExits30', { ioExits: count(30), vmcallExits: count(18) }));
      stoppedBy = t('securitycore.escape.theIOBitmapsMake');
      held &&= attacker.console.includes('pwned') && hv.hostConsole === '' && !victim.console.includes('pwned');
      break;
    }
  }
  evidence.push(t('securitycore.escape.theAttacker', { state: VM_STATE_NAMES[attacker.state], reason: attacker.stopReason ? ` — ${attacker.stopReason}` : '' }));
  return {
    id,
    cpu,
    mmu,
    ...ESCAPE_INFO[id],
    held,
    stoppedBy,
    attacker: { state: VM_STATE_NAMES[attacker.state], message: attacker.stopReason, exits, console: attacker.console },
    victim: { state: VM_STATE_NAMES[victim.state], console: victim.console, secretBefore, secretAfter, progress },
    evidence,
  };
}
