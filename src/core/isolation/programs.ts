/**
 * The services and the machine code they run, as assembly for the repo's assembler (src/core/x86/asm).
 *
 * The white paper's §3.3.1 example: a firewall and a SIP PBX on a Linux guest, a streaming server on a Windows
 * guest, all on one platform. Each service is one routine (`*_step`: one unit of work, then its progress counter
 * goes up); the same routines are assembled twice:
 *
 * - **as a guest** (`guestProgram`): a tiny kernel that runs one service in a loop, in its own VM with 4 MiB of
 *   guest-physical memory (EPT or shadow paging bounds it), and
 * - **as a consolidated server** (`consolidatedProgram`): one kernel on the bare machine (no VMX) that runs all
 *   three services in one address space, one step each per round — the non-virtualized server the white paper
 *   compares against. Nothing separates the services: each is kernel-mode code, as a driver would be.
 *
 * Faults are the same machine code in both (`fault_dispatch`): they are triggered by a word the injector writes
 * into the service's state (a mailbox, like Linux's /proc/sysrq-trigger: `echo c` panics the kernel).
 *
 * Per-service state (EBP points at it), the same in both layouts:
 *   +0 magic (the service checks it every step: a corrupted state is a kernel panic, like Linux's list/slab checks)
 *   +4 progress counter (also the heartbeat the VMM's watchdog reads)
 *   +8 fault mailbox (0 = none, else a FaultCode)
 *   +12 leak pointer (memory hog: the next page it touches; 0 = not leaking)
 *   +16 work accumulator   +20 name string   +24 wild-write target   +28 step routine   +32.. work buffer
 */
import type { FaultKind } from './faults.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';

export type ServiceId = 'firewall' | 'pbx' | 'streaming';
export const SERVICE_IDS: readonly ServiceId[] = ['firewall', 'pbx', 'streaming'];

export interface ServiceInfo {
  id: ServiceId;
  /** Short tag used on the console lines ("fw: 64 packets filtered"). */
  tag: string;
  label: string;
  /** The guest OS the white paper puts it on (§3.3.1): labels only — the guest kernel here is the same tiny one. */
  guestOs: 'Linux-like' | 'Windows-like';
  unit: string;
  magic: number;
}

export const SERVICES: Readonly<Record<ServiceId, ServiceInfo>> = {
  firewall: { id: 'firewall', tag: 'fw', label: t('partition.services.firewall.label'), guestOs: 'Linux-like', unit: 'packets filtered', magic: 0x31305746 }, // i18n-ignore: unit is assembled into the guest program (db string its console prints), so it stays ASCII English
  pbx: { id: 'pbx', tag: 'pbx', label: t('partition.services.pbx.label'), guestOs: 'Linux-like', unit: 'voice frames mixed', magic: 0x31584250 }, // i18n-ignore: unit is assembled into the guest program (db string its console prints), so it stays ASCII English
  streaming: { id: 'streaming', tag: 'tv', label: t('partition.services.streaming.label'), guestOs: 'Windows-like', unit: 'video chunks sent', magic: 0x31305654 }, // i18n-ignore: unit is assembled into the guest program (db string its console prints), so it stays ASCII English
};

/** Mailbox values (state +8). */
export const FAULT_CODE: Readonly<Record<FaultKind, number>> = {
  'kernel-panic': 1,
  'triple-fault': 2,
  'runaway-loop': 3,
  'memory-hog': 4,
  'wild-write': 5,
  'interrupt-storm': 6,
};

export const STATE_MAGIC = 0;
export const STATE_PROGRESS = 4;
export const STATE_MAILBOX = 8;
export const STATE_LEAK = 12;

/** Guest-physical memory of each VM (the VMM's smallest VM: a multiple of 4 MiB, hypervisor.ts `createVm`). */
export const VM_MEMORY_BYTES = 0x400000;
/** Program origin and the guest's service state (guest-physical). */
export const PROGRAM_ORIGIN = 0x10000;
export const GUEST_STATE = 0x200000;
/** Consolidated server: 12 MiB of RAM; each service gets a 2 MiB region, the kernel's heap follows them. */
export const CONSOLIDATED_MEMORY_BYTES = 0xc00000;
export const CONSOLIDATED_STATE: Readonly<Record<ServiceId, number>> = { firewall: 0x400000, pbx: 0x600000, streaming: 0x800000 };
export const KERNEL_HEAP = 0xa00000;
export const KERNEL_HEAP_MAGIC = 0x5041454b; // "KHEAP" canary the consolidated kernel checks every round
/** A service's region (consolidated) or the room above its state (guest): the leak runs 511 pages before it leaves it. */
export const REGION_BYTES = 0x200000;
/** The memory hog leaks from here (offset from the state): 256 pages, 64 steps of four, before it leaves the region. */
export const LEAK_START = 0x100000;

/**
 * Where the wild write lands: the next service's state in the consolidated layout (firewall → PBX, PBX →
 * streaming, streaming → firewall). In a 4-MiB VM every one of these guest-physical addresses is outside its RAM.
 */
export function wildTarget(s: ServiceId): number {
  const next: Record<ServiceId, ServiceId> = { firewall: 'pbx', pbx: 'streaming', streaming: 'firewall' };
  return CONSOLIDATED_STATE[next[s]];
}

/**
 * Interrupt storm: the PIT's channel 0 as a rate generator with this divisor (1.193182 MHz input clock, Intel
 * 8254 data sheet), i.e. an interrupt every ≈ 1.7 µs, and a handler of about 20 000 instructions — longer than the
 * interval, so the service loop below it starves (the classic interrupt livelock: Mogul & Ramakrishnan,
 * "Eliminating receive livelock in an interrupt-driven kernel", USENIX 1996).
 */
export const STORM_PIT_DIVISOR = 2;
export const STORM_HANDLER_LOOPS = 10000;
/** Console line every this many units of work. */
export const REPORT_EVERY = 256;

/**
 * How a finished console line leaves the kernel. In a VM: one PUTS hypercall (VMCALL, docs/hypercalls.md) — a
 * paravirtual console, one VM exit per line, as virtio-console or Xen's console ring batch output; an emulated
 * UART would cost one I/O exit per character. On the bare machine: the bytes go to COM1's transmit register.
 */
// i18n-ignore: assembly source of the guest programs, not prose
const CONSOLE_VMCALL = `  mov eax, 5                  ; PUTS: EBX = address, ECX = length
  mov ebx, line_buf
  mov ecx, [line_len]
  vmcall`;
// i18n-ignore: assembly source of the guest programs, not prose
const CONSOLE_COM1 = `  mov esi, line_buf
  mov ecx, [line_len]
  mov dx, 0x3f8
  cld
  rep outsb`;

/** The routines both layouts share: the three services, printing, panic and the fault code. */
function sharedRoutines(consoleWrite: string): string {
  // i18n-ignore: assembly source of the guest programs, not prose
  return `
; ---------------------------------------------------------------- services (one unit of work each)
fw_step:                      ; firewall: match one packet header against a 64-entry rule hash
  mov ecx, 64
  mov eax, [ebp+4]
.r:
  imul eax, eax, 1103515245
  add eax, 12345
  xor [ebp+16], eax
  dec ecx
  jnz .r
  ret
pbx_step:                     ; PBX: mix one voice frame (80 samples, two parties)
  mov ecx, 80
  lea edi, [ebp+32]
.m:
  mov eax, [edi]
  add eax, ecx
  sar eax, 1
  mov [edi], eax
  add [ebp+16], eax
  dec ecx
  jnz .m
  ret
tv_step:                      ; streaming: copy one chunk (64 dwords) into the send buffer and checksum it
  lea esi, [ebp+32]
  lea edi, [ebp+1056]
  mov ecx, 64
  cld
  rep movsd
  mov ecx, 32
  lea esi, [ebp+1056]
.c:
  mov eax, [esi]
  add [ebp+16], eax
  add esi, 4
  dec ecx
  jnz .c
  ret

; ---------------------------------------------------------------- one step of the service at EBP
service_step:
  mov eax, [ebp]              ; magic still there? (a corrupted state is a kernel BUG, as Linux's list checks)
  cmp eax, [ebp+36+2048]
  jne corrupted
  call [ebp+28]
  inc dword [ebp+4]           ; progress = heartbeat
  mov eax, [ebp+12]
  test eax, eax
  jz .noleak
  mov dword [eax], 0x474f4821 ; memory hog: touch four more pages every step, never free them
  mov dword [eax+4096], 0x474f4821
  mov dword [eax+8192], 0x474f4821
  mov dword [eax+12288], 0x474f4821
  add dword [ebp+12], 16384
.noleak:
  mov eax, [ebp+4]
  test eax, ${REPORT_EVERY - 1}
  jnz .quiet
  mov esi, [ebp+20]
  call puts
  mov esi, msg_colon
  call puts
  mov eax, [ebp+4]
  call putdec
  mov esi, [ebp+2088]
  call puts
.quiet:
  mov eax, [ebp+8]
  test eax, eax
  jnz fault_dispatch
  ret

corrupted:
  mov edi, [ebp+20]
  mov esi, msg_corrupt
  jmp panic

; ---------------------------------------------------------------- the faults (mailbox at EBP+8)
fault_dispatch:
  mov dword [ebp+8], 0
  cmp eax, 1
  je f_panic
  cmp eax, 2
  je f_triple
  cmp eax, 3
  je f_runaway
  cmp eax, 4
  je f_hog
  cmp eax, 5
  je f_wild
  cmp eax, 6
  je f_storm
  ret
f_panic:
  mov edi, [ebp+20]
  mov esi, msg_bug
  jmp panic
f_triple:
  mov esi, msg_triple
  call say
  lidt [null_idtr]            ; IDT limit 0: the #UD cannot be delivered → #GP → #DF → triple fault (SDM Vol. 3A §6.15)
  ud2
f_runaway:
  mov esi, msg_runaway
  call say
  cli
  jmp $                       ; interrupts off, no exit-causing instruction: only the VMM's timer can stop it
f_hog:
  mov esi, msg_hog
  call say
  lea eax, [ebp+${LEAK_START}]
  mov [ebp+12], eax
  ret
f_wild:
  mov esi, msg_wild
  call say
  mov edi, [ebp+24]
  mov dword [edi], 0xdeadbeef ; a stray pointer: the neighbour's state in the consolidated layout
  ret
f_storm:
  mov esi, msg_storm
  call say
  mov al, 0x11                ; 8259A: ICW1..ICW4, vectors 0x20.., only IRQ0 unmasked
  out 0x20, al
  mov al, 0x20
  out 0x21, al
  mov al, 0x04
  out 0x21, al
  mov al, 0x01
  out 0x21, al
  mov al, 0xfe
  out 0x21, al
  mov al, 0x34                ; 8254: channel 0, lobyte/hibyte, mode 2 (rate generator)
  out 0x43, al
  mov al, ${STORM_PIT_DIVISOR & 0xff}
  out 0x40, al
  mov al, ${(STORM_PIT_DIVISOR >>> 8) & 0xff}
  out 0x40, al
  sti
  ret

storm_isr:                    ; a handler slower than the interrupt interval
  push eax
  push ecx
  mov al, 0x20                ; EOI first (acknowledge, then work): the next IRQ0 can be pending before IRET
  out 0x20, al
  mov ecx, ${STORM_HANDLER_LOOPS}
.w:
  dec ecx
  jnz .w
  pop ecx
  pop eax
  iret

oops_isr:                     ; any CPU exception: an oops, then panic
  xor edi, edi
  mov esi, msg_oops
  jmp panic

; ---------------------------------------------------------------- console (COM1) and panic
say:                          ; the service's name, then ESI
  push esi
  mov esi, [ebp+20]
  call puts
  pop esi
  jmp puts

panic:                        ; ESI = reason, EDI = the service's name or 0
  push esi
  mov esi, msg_panic
  call puts
  test edi, edi
  jz .anon
  mov esi, edi
  call puts
  mov esi, msg_colon
  call puts
.anon:
  pop esi
  call puts
  mov esi, msg_nl
  call puts
.halt:
  cli
  hlt                         ; interrupts off: nothing wakes this CPU again
  jmp .halt

puts:                         ; ESI = zero-terminated string
  push eax
.l:
  mov al, [esi]
  test al, al
  jz .e
  call putc
  inc esi
  jmp .l
.e:
  pop eax
  ret

putc:                         ; AL = character, buffered a line at a time
  push ebx
  mov ebx, [line_len]
  mov [line_buf+ebx], al
  inc ebx
  mov [line_len], ebx
  pop ebx
  cmp al, 10
  je flush_line
  cmp dword [line_len], 120
  jae flush_line
  ret

flush_line:                   ; the line goes out in one piece (see CONSOLE below)
  push eax
  push ebx
  push ecx
  push edx
  push esi
CONSOLE_WRITE
  mov dword [line_len], 0
  pop esi
  pop edx
  pop ecx
  pop ebx
  pop eax
  ret

putdec:                       ; EAX = unsigned number
  push ebx
  push ecx
  push edx
  mov ebx, 10
  xor ecx, ecx
.d:
  xor edx, edx
  div ebx
  push edx
  inc ecx
  test eax, eax
  jnz .d
.o:
  pop eax
  add al, '0'
  call putc
  dec ecx
  jnz .o
  pop edx
  pop ecx
  pop ebx
  ret

line_len: dd 0
line_buf: times 128 db 0

; ---------------------------------------------------------------- IDT set-up (at 0x3000): exceptions → oops, 0x20 → storm
setup_idt:
  mov edi, 0x3000
  mov ecx, 32
  mov eax, oops_isr
.x:
  call gate
  dec ecx
  jnz .x
  mov eax, storm_isr
  call gate
  lidt [idtr]
  ret
gate:                         ; EDI = entry, EAX = handler: a 32-bit interrupt gate, DPL 0
  mov edx, eax
  mov [edi], dx
  mov word [edi+2], 0x08
  mov word [edi+4], 0x8e00
  shr edx, 16
  mov [edi+6], dx
  add edi, 8
  ret

; ---------------------------------------------------------------- init_service: EBP = state, EBX = info block
init_service:                 ; info block: magic, name, unit, wild target, step routine
  mov eax, [ebx]
  mov [ebp], eax
  mov [ebp+36+2048], eax      ; a second copy of the magic to compare against
  mov dword [ebp+4], 0
  mov dword [ebp+8], 0
  mov dword [ebp+12], 0
  mov dword [ebp+16], 0
  mov eax, [ebx+4]
  mov [ebp+20], eax
  mov eax, [ebx+8]
  mov [ebp+2088], eax
  mov eax, [ebx+12]
  mov [ebp+24], eax
  mov eax, [ebx+16]
  mov [ebp+28], eax
  ret

idtr:
  dw 33*8-1
  dd 0x3000
null_idtr:
  dw 0
  dd 0
msg_colon: db ': ', 0
msg_nl: db 10, 0
msg_panic: db 'Kernel panic - not syncing: ', 0
msg_corrupt: db 'state corrupted (magic overwritten)', 0
msg_bug: db 'BUG: fatal error in kernel code', 0
msg_oops: db 'Oops: CPU exception in kernel mode', 0
msg_triple: db ': loading an empty IDT, then ud2', 10, 0
msg_runaway: db ': runaway loop with interrupts off (cli; jmp $)', 10, 0
msg_hog: db ': leaking four pages per step, never freed', 10, 0
msg_wild: db ': stray write of 0xDEADBEEF through a wild pointer', 10, 0
msg_storm: db ': device interrupt storm (PIT every 1.7 us, slow handler)', 10, 0
${SERVICE_IDS.map((s) => `name_${s}: db '${SERVICES[s].tag}', 0\nunit_${s}: db ' ${SERVICES[s].unit}', 10, 0`).join('\n')}
`.replace('CONSOLE_WRITE', consoleWrite);
}

const STEP: Record<ServiceId, string> = { firewall: 'fw_step', pbx: 'pbx_step', streaming: 'tv_step' };

function infoBlock(s: ServiceId): string {
  // i18n-ignore: assembly source of the guest programs, not prose
  return `info_${s}: dd 0x${SERVICES[s].magic.toString(16)}, name_${s}, unit_${s}, 0x${wildTarget(s).toString(16)}, ${STEP[s]}`;
}

/** One service as a guest kernel: its state at GUEST_STATE, a loop of steps. */
export function guestProgram(s: ServiceId): string {
  // i18n-ignore: assembly source of the guest programs, not prose
  return `org 0x${PROGRAM_ORIGIN.toString(16)}
start:
  call setup_idt
  mov ebp, 0x${GUEST_STATE.toString(16)}
  mov ebx, info_${s}
  call init_service
main:
  call service_step
  jmp main
${infoBlock(s)}
${sharedRoutines(CONSOLE_VMCALL)}`;
}

/** All three services in one kernel on the bare machine: one step of each per round, then the heap canary check. */
export function consolidatedProgram(): string {
  // i18n-ignore: assembly source of the guest programs, not prose
  return `org 0x${PROGRAM_ORIGIN.toString(16)}
start:
  call setup_idt
  mov dword [0x${KERNEL_HEAP.toString(16)}], 0x${KERNEL_HEAP_MAGIC.toString(16)}
${SERVICE_IDS.map((s) => `  mov ebp, 0x${CONSOLIDATED_STATE[s].toString(16)}\n  mov ebx, info_${s}\n  call init_service`).join('\n')}
main:
${SERVICE_IDS.map((s) => `  mov ebp, 0x${CONSOLIDATED_STATE[s].toString(16)}\n  call service_step`).join('\n')}
  cmp dword [0x${KERNEL_HEAP.toString(16)}], 0x${KERNEL_HEAP_MAGIC.toString(16)}
  jne heap_corrupt
  jmp main
heap_corrupt:
  xor edi, edi
  mov esi, msg_heap
  jmp panic
msg_heap: db 'kernel heap corrupted', 0
${SERVICE_IDS.map(infoBlock).join('\n')}
${sharedRoutines(CONSOLE_COM1)}`;
}
