/**
 * Assembly the small guests of the labs share (isolation, scheduling, live migration, I/O paths): written once so
 * the devices are programmed the same way everywhere.
 */

/**
 * The cascaded 8259A pair of the PC (Intel 8259A data sheet, initialization command words): ICW1 0x11 (edge,
 * cascade, ICW4 follows), ICW2 vectors 0x20 (master) and 0x28 (slave), ICW3 slave on IRQ2 / slave id 2, ICW4 8086
 * mode; then the interrupt masks (OCW1). Default: only IRQ0 (the PIT) unmasked.
 */
export function picInitAsm(masterMask: number | string = 0xfe, slaveMask: number | string = 0xff): string {
  const v = (m: number | string): string => (typeof m === 'number' ? `0x${m.toString(16).toUpperCase().padStart(2, '0')}` : m);
  // i18n-ignore: assembly source (mnemonics and operands), not prose
  return `        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0x21, al
        out     0xA1, al
        mov     al, ${v(masterMask)}
        out     0x21, al
        mov     al, ${v(slaveMask)}
        out     0xA1, al`;
}
