/**
 * The guests of the Resources tab, as assembly for the repo's assembler (src/core/x86/asm).
 *
 * - A **periodic service** (the SIP PBX, the firewall, the streaming server): it programs its virtual 8254 PIT in
 *   mode 2 (rate generator) for one interrupt per period, then loops: STI; HLT (sleep until the tick), do one unit of
 *   work (a countdown loop of `work` iterations), count it, sleep again. For the PBX one unit is one voice packet:
 *   RTP/AVP sends one packet per packetization interval, 20 ms by default for G.711 PCMU/PCMA (RFC 3551 §4.5 and
 *   Table 1: "default packet size 20 ms"). With HLT exiting (the VMM's default controls, src/core/vmm/vm.ts) the HLT
 *   is a VM exit (reason 12): the vCPU blocks and the VMM gives the processor to another vCPU until the tick.
 * - The **noisy neighbour**: a batch job that never sleeps (a countdown loop forever). It exits only when the VMM
 *   takes the processor back: the VMX-preemption timer at the end of its slice (exit reason 52).
 *
 * Shared with src/core/vmm/hlt-idle.s: IDT at 0x3000, PIC remapped to vectors 0x20/0x28, IRQ0 only unmasked.
 */
import { picInitAsm } from '../scenarios/snippets.ts';
export const PROGRAM_ORIGIN = 0x10000;
/** Guest-physical address of the service's counters: +0 units done, +4 timer ticks taken. */
export const COUNTERS = 0x20000;
/** The 8254's input clock, 1.193182 MHz (PC/AT; src/core/devices/pit.ts PIT_INPUT_HZ). */
export const PIT_HZ = 1_193_182;
/** Timer vector after the PIC remap. */
export const TIMER_VECTOR = 0x20;

/** PIT divisor for a period in (simulated) seconds; the 16-bit counter bounds it (0 means 65536). */
export function pitDivisor(periodSeconds: number): number {
  return Math.max(2, Math.min(65535, Math.round(PIT_HZ * periodSeconds)));
}

const PIC_INIT = picInitAsm();

/** A periodic service: one unit of `work` countdown iterations per timer tick of PIT divisor `divisor`. */
export function periodicProgram(divisor: number, work: number): string {
  // i18n-ignore: assembly source of the guest programs, not prose
  return `org 0x${PROGRAM_ORIGIN.toString(16)}
start:
        mov     eax, timer_isr
        mov     [0x3000 + ${TIMER_VECTOR} * 8 + 0], ax
        mov     word [0x3000 + ${TIMER_VECTOR} * 8 + 2], 0x08
        mov     word [0x3000 + ${TIMER_VECTOR} * 8 + 4], 0x8E00
        shr     eax, 16
        mov     [0x3000 + ${TIMER_VECTOR} * 8 + 6], ax
        lidt    [idt_descriptor]
${PIC_INIT}
        mov     al, 0x34
        out     0x43, al
        mov     al, ${divisor & 0xff}
        out     0x40, al
        mov     al, ${(divisor >> 8) & 0xff}
        out     0x40, al
sleep:
        sti
        hlt
        mov     ecx, ${Math.max(1, Math.round(work))}
work:
        dec     ecx
        jnz     work
        inc     dword [0x${COUNTERS.toString(16)}]
        jmp     sleep
timer_isr:
        inc     dword [0x${(COUNTERS + 4).toString(16)}]
        push    eax
        mov     al, 0x20
        out     0x20, al
        pop     eax
        iretd
idt_descriptor:
        dw      (${TIMER_VECTOR} + 1) * 8 - 1
        dd      0x3000
`;
}

/** The noisy neighbour: a batch job that never blocks (counts loop rounds of `chunk` iterations). */
export function noisyProgram(chunk = 10_000): string {
  // i18n-ignore: assembly source of the guest programs, not prose
  return `org 0x${PROGRAM_ORIGIN.toString(16)}
start:
        cli
spin:
        mov     ecx, ${chunk}
burn:
        dec     ecx
        jnz     burn
        inc     dword [0x${COUNTERS.toString(16)}]
        jmp     spin
`;
}
