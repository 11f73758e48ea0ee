/**
 * The guest drivers of the I/O-path lab, as real IA-32 programs (assembled by src/core/x86/asm and run in VMX
 * non-root operation). Each sets up an IDT gate and the virtual 8259A PIC (setup: outside the measured window),
 * sets `phase` = 1, sends its packets or requests the way a real driver for that device would, waits until the
 * interrupt handler has counted every completion, sets `phase` = 2 and powers off with a hypercall.
 *
 *  - emulated NE2000: the transmit sequence of Linux ne.c `ne_block_output` (CR, ISR ← RDC, RBCR0/1, RSAR0/1,
 *    CR ← remote write, REP OUTSW to the data port, poll ISR.RDC, ack it) followed by lib8390.c
 *    `NS8390_trigger_send` (CR, TBCR0/1, TPSR, CR ← transmit); the interrupt handler reads and clears ISR.
 *  - emulated IDE: the LBA28 task file (sector count, LBA low/mid/high, device, command 30h) and, per 512-byte
 *    block, a status poll for DRQ and one REP OUTSW; the interrupt handler reads Status (clears INTRQ).
 *  - paravirtual: descriptors and the available ring written with ordinary stores, one Queue Notify OUT per
 *    batch; the handler reads the ISR Status register (legacy virtio INTx) and the used index.
 *  - assigned: the same ring, but the doorbell is a MOV to the device's BAR (mapped by EPT: no exit); the handler
 *    only reads the written-back used index.
 * Every handler ends with EOI to the PIC (OUT 20h, plus A0h for an IRQ on the slave): with an 8259 that is an
 * I/O exit; with an APIC without APIC virtualization it would be an APIC-access or WRMSR exit instead.
 */
import { ATA_BASE, AVAIL_GPA, BAR_DOORBELL, BAR_GPA, NE_BASE, RING_GPA, USED_GPA, VIRTIO_BASE } from './devices.ts';
import type { IoPathKind, IoPathParams } from './types.ts';
import { picInitAsm } from '../scenarios/snippets.ts';

/** Lines of guest assembly: source for the assembler (x86/asm), not text a user reads, so not in the catalogue. */
function asmLines(strings: TemplateStringsArray, ...values: (string | number)[]): string[] {
  return strings.reduce((all, s, i) => all + s + (i < values.length ? String(values[i]) : ''), '').split('\n');
}

/** Guest-physical layout (8 MiB guest; program at 0x10000). */
export const BUF_GPA = 0x100000;
const HDR_GPA = 0x90000;
const STATUS_GPA = 0x98000;
/** NE2000 transmit buffer page (the card's RAM starts at page 0x40). */
const NE_TX_PAGE = 0x40;

export interface GuestProgram {
  source: string;
  /** IRQ the device is wired to (guest PIC) and the vector the guest programs for it. */
  irq: number;
  /** Completions the interrupt handler must count before the guest stops. */
  expect: number;
}

export function sectorsOf(bytes: number): number {
  return Math.ceil(bytes / 512);
}

function prologue(irq: number): string[] {
  const vec = irq < 8 ? 0x20 + irq : 0x28 + irq - 8;
  const masterMask = irq < 8 ? ~(1 << irq) & 0xff : ~(1 << 2) & 0xff;
  const slaveMask = irq < 8 ? 0xff : ~(1 << (irq - 8)) & 0xff;
  return [
    /* i18n-ignore: guest assembly */ ...asmLines`; @mode guest
IDT equ 0x3000
VEC equ ${vec}
start:
        mov     eax, isr
        mov     [IDT + VEC * 8 + 0], ax
        mov     word [IDT + VEC * 8 + 2], 0x08
        mov     word [IDT + VEC * 8 + 4], 0x8E00
        shr     eax, 16
        mov     [IDT + VEC * 8 + 6], ax
        lidt    [idt_descriptor]
        ; 8259A pair: ICW1-4, vectors 20h/28h, then the mask for our IRQ only`,
    picInitAsm(masterMask, slaveMask),
    /* i18n-ignore: guest assembly */ ...asmLines`        ; first touch of every page the run uses (EPT or shadow fills now, not in the measured window)
        push    eax
        pop     eax
        sgdt    [gdtr_save]         ; interrupt delivery reads the GDT (CS descriptor): touch it too
        mov     eax, [gdtr_save + 2]
        mov     ecx, [eax + 8]`,
    // i18n-ignore: guest assembly
    ...TOUCHED_PAGES.map((gpa) => `        or      dword [${gpa}], 0`),
  ];
}

/** Pages the drivers and devices use: ring, available and used rings, block headers and status, the buffer, the BAR. */
const TOUCHED_PAGES: readonly number[] = [RING_GPA, AVAIL_GPA, USED_GPA, HDR_GPA, STATUS_GPA, BAR_GPA, ...Array.from({ length: 17 }, (_, k) => BUF_GPA + 4096 * k)];

function epilogue(irq: number, expect: number, ack: string[]): string[] {
  const eoi = irq >= 8 ? [/* i18n-ignore: guest assembly */ ...asmLines`        mov     al, 0x20
        out     0xA0, al
        out     0x20, al`] : [/* i18n-ignore: guest assembly */ ...asmLines`        mov     al, 0x20
        out     0x20, al`];
  return [
    /* i18n-ignore: guest assembly */ ...asmLines`.wait:  cmp     dword [done], ${expect}
        jb      .wait
        mov     dword [phase], 2
        cli
        mov     eax, 3              ; hypercall POWEROFF
        xor     ebx, ebx
        vmcall
        hlt

isr:
        mov     dword [in_isr], 1
        push    eax
        push    edx`,
    ...ack,
    ...eoi,
    /* i18n-ignore: guest assembly */ ...asmLines`        pop     edx
        pop     eax
        mov     dword [in_isr], 0
        iretd

idt_descriptor:
        dw      (VEC + 1) * 8 - 1
        dd      IDT

        align   4096
phase:  dd 0
in_isr: dd 0
done:   dd 0
left:   dd 0
gdtr_save: dw 0
        dd 0
`,
  ];
}

function emulatedNet(p: IoPathParams): GuestProgram {
  const irq = 5;
  const len = p.bytes;
  const words = Math.ceil(len / 2);
  const b = (off: number) => `0x${(NE_BASE + off).toString(16)}`;
  const body = [
    /* i18n-ignore: guest assembly */ ...asmLines`        mov     dx, ${b(0x0f)}        ; IMR ← ENISR_TX: interrupt when a frame is sent
        mov     al, 0x02
        out     dx, al
        sti
        mov     dword [phase], 1
        mov     ebx, ${p.packets}
        xor     edi, edi
.pkt:   ; ne_block_output: copy the frame into the card by remote DMA
        mov     dx, ${b(0)}
        mov     al, 0x22            ; CR ← NODMA | PAGE0 | START
        out     dx, al
        mov     dx, ${b(7)}
        mov     al, 0x40            ; ISR ← RDC (clear remote-DMA-complete)
        out     dx, al
        mov     dx, ${b(0x0a)}
        mov     al, ${len & 0xff}            ; RBCR0
        out     dx, al
        mov     dx, ${b(0x0b)}
        mov     al, ${len >> 8}            ; RBCR1
        out     dx, al
        mov     dx, ${b(0x08)}
        mov     al, 0               ; RSAR0
        out     dx, al
        mov     dx, ${b(0x09)}
        mov     al, ${NE_TX_PAGE}            ; RSAR1 = transmit page
        out     dx, al
        mov     dx, ${b(0)}
        mov     al, 0x12            ; CR ← RWRITE | START
        out     dx, al
        mov     dx, ${b(0x10)}
        mov     esi, ${BUF_GPA}
        mov     ecx, ${words}
        cld
        rep outsw                   ; the whole frame, one exit (string I/O)
        mov     dx, ${b(7)}
.rdc:   in      al, dx              ; wait for ISR.RDC
        test    al, 0x40
        jz      .rdc
        mov     al, 0x40
        out     dx, al              ; ack RDC
        ; NS8390_trigger_send
        mov     dx, ${b(0)}
        mov     al, 0x20            ; CR ← NODMA | PAGE0
        out     dx, al
        mov     dx, ${b(0x05)}
        mov     al, ${len & 0xff}            ; TBCR0
        out     dx, al
        mov     dx, ${b(0x06)}
        mov     al, ${len >> 8}            ; TBCR1
        out     dx, al
        mov     dx, ${b(0x04)}
        mov     al, ${NE_TX_PAGE}            ; TPSR
        out     dx, al
        mov     dx, ${b(0)}
        mov     al, 0x26            ; CR ← NODMA | TRANS | START
        out     dx, al
        inc     edi
.txw:   cmp     [done], edi         ; the queue restarts when the TX interrupt arrives
        jb      .txw
        dec     ebx
        jnz     .pkt`,
  ];
  const ack = [/* i18n-ignore: guest assembly */ ...asmLines`        mov     dx, ${b(7)}
        in      al, dx              ; ISR: what happened?
        out     dx, al              ; write the bits back to clear them
        inc     dword [done]`];
  return { source: [...prologue(irq), ...body, ...epilogue(irq, p.packets, ack)].join('\n'), irq, expect: p.packets };
}

function emulatedDisk(p: IoPathParams): GuestProgram {
  const irq = 14;
  const sectors = sectorsOf(p.bytes);
  const body = [
    /* i18n-ignore: guest assembly */ ...asmLines`        sti
        mov     dword [phase], 1
        mov     ebx, ${p.packets}
        xor     edi, edi
        xor     ebp, ebp            ; LBA
.req:   ; LBA28 task file, then WRITE SECTORS
        mov     dx, ${ATA_BASE + 2}
        mov     al, ${sectors & 0xff}            ; Sector Count
        out     dx, al
        mov     eax, ebp
        mov     dx, ${ATA_BASE + 3}
        out     dx, al              ; LBA Low
        shr     eax, 8
        mov     dx, ${ATA_BASE + 4}
        out     dx, al              ; LBA Mid
        shr     eax, 8
        mov     dx, ${ATA_BASE + 5}
        out     dx, al              ; LBA High
        shr     eax, 8
        and     al, 0x0F
        or      al, 0xE0            ; LBA mode, master
        mov     dx, ${ATA_BASE + 6}
        out     dx, al              ; Device
        mov     dx, ${ATA_BASE + 7}
        mov     al, 0x30            ; WRITE SECTORS
        out     dx, al
        mov     dword [left], ${sectors}
        mov     esi, ${BUF_GPA}
.sec:
        mov     dx, ${ATA_BASE + 7}
.drq:   in      al, dx              ; Status: wait for DRQ
        test    al, 0x08
        jz      .drq
        mov     dx, ${ATA_BASE}
        mov     ecx, 256
        cld
        rep outsw                   ; one 512-byte block, one exit
        inc     edi
.blk:   cmp     [done], edi         ; the block interrupt
        jb      .blk
        dec     dword [left]
        jnz     .sec
        add     ebp, ${sectors}
        dec     ebx
        jnz     .req`,
  ];
  const ack = [/* i18n-ignore: guest assembly */ ...asmLines`        mov     dx, ${ATA_BASE + 7}
        in      al, dx              ; Status (clears INTRQ)
        inc     dword [done]`];
  const expect = p.packets * sectors;
  return { source: [...prologue(irq), ...body, ...epilogue(irq, expect, ack)].join('\n'), irq, expect };
}

function ring(p: IoPathParams, path: 'paravirtual' | 'assigned'): GuestProgram {
  const irq = 5;
  const lines: string[] = [];
  if (path === 'paravirtual') {
    lines.push(
      /* i18n-ignore: guest assembly */ ...asmLines`        mov     dx, ${VIRTIO_BASE + 8}
        mov     eax, ${RING_GPA >>> 12}           ; Queue Address (page frame number)
        out     dx, eax
        mov     dx, ${VIRTIO_BASE + 18}
        mov     al, 7               ; Device Status ← ACKNOWLEDGE | DRIVER | DRIVER_OK
        out     dx, al`,
    );
  }
  lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        sti
        mov     dword [phase], 1`);
  const sectors = sectorsOf(p.bytes);
  for (let i = 0; i < p.packets; i++) {
    lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        ; request ${i + 1}`);
    const desc = (d: number, addr: number, len: number, flags: number, next: number) => {
      const a = RING_GPA + 16 * d;
      lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        mov     dword [${a}], ${addr}
        mov     dword [${a + 4}], 0
        mov     dword [${a + 8}], ${len}
        mov     dword [${a + 12}], ${(flags | (next << 16)) >>> 0}`);
    };
    let head: number;
    if (p.workload === 'net') {
      head = i;
      desc(i, BUF_GPA, p.bytes, 0, 0);
    } else {
      head = 3 * i;
      const h = HDR_GPA + 16 * i;
      lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        mov     dword [${h}], 1            ; VIRTIO_BLK_T_OUT
        mov     dword [${h + 4}], 0
        mov     dword [${h + 8}], ${i * sectors}            ; sector
        mov     dword [${h + 12}], 0`);
      desc(3 * i, h, 16, 1, 3 * i + 1);
      desc(3 * i + 1, BUF_GPA, sectors * 512, 1, 3 * i + 2);
      desc(3 * i + 2, STATUS_GPA + i, 1, 2, 0);
    }
    lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        mov     word [${AVAIL_GPA + 4 + 2 * i}], ${head}`);
    if ((i + 1) % p.batch === 0 || i === p.packets - 1) {
      lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        mov     word [${AVAIL_GPA + 2}], ${i + 1}          ; avail.idx: publish the batch`);
      if (path === 'paravirtual') lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        mov     dx, ${VIRTIO_BASE + 16}
        xor     eax, eax
        out     dx, ax              ; Queue Notify: the one exit per batch`);
      else lines.push(/* i18n-ignore: guest assembly */ ...asmLines`        mov     word [${BAR_GPA + BAR_DOORBELL}], ${i + 1}       ; doorbell: MOV to the BAR (EPT-mapped to the device): no exit`);
    }
  }
  const ack =
    path === 'paravirtual'
      ? [/* i18n-ignore: guest assembly */ ...asmLines`        mov     dx, ${VIRTIO_BASE + 19}
        in      al, dx              ; ISR Status (read clears)
        mov     eax, [${USED_GPA}]
        shr     eax, 16             ; used.idx
        mov     [done], eax`]
      : [/* i18n-ignore: guest assembly */ ...asmLines`        mov     eax, [${USED_GPA}]
        shr     eax, 16             ; used.idx written back by DMA
        mov     [done], eax`];
  return { source: [...prologue(irq), ...lines, ...epilogue(irq, p.packets, ack)].join('\n'), irq, expect: p.packets };
}

export function guestProgram(path: IoPathKind, p: IoPathParams): GuestProgram {
  if (path === 'emulated') return p.workload === 'net' ? emulatedNet(p) : emulatedDisk(p);
  return ring(p, path);
}
