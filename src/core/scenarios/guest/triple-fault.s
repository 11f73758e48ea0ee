; @mode guest
;
; triple-fault.s — what happens when an exception cannot be delivered.
;
; The program loads an IDT whose 32 gates are all empty (type 0 is not a valid gate), then divides
; by zero:
;   1. #DE (vector 0): its gate is invalid -> #GP while delivering it (error code 0x03: IDT, external);
;   2. #DE and #GP are both "contributory" exceptions -> the CPU raises #DF (SDM Vol. 3A Table 6-5);
;   3. the #DF gate is invalid too -> a fault while delivering #DF: triple fault.
; A real processor shuts down (the chipset usually resets the machine). In VMX non-root operation a
; triple fault is a VM exit (reason 2): the VMM sees it, stops this VM, and everything else keeps
; running. On the bare machine the run ends with a "shutdown".

IDT             equ 0x3000          ; 32 zeroed gates (this memory is zero at start)

start:
        lidt    [idt_descriptor]
        mov     edi, IDT            ; make sure the gates are empty
        mov     ecx, 32 * 2
        xor     eax, eax
        cld
        rep stosd

        mov     eax, 1
        xor     ecx, ecx
        div     ecx                 ; EDX:EAX / 0 -> #DE
        ; never reached
        cli
        hlt

idt_descriptor:
        dw      32 * 8 - 1
        dd      IDT
