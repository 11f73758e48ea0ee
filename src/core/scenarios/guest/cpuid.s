; @mode guest
;
; cpuid.s — what the processor says about itself, and how a VMM can change the answer.
;
; CPUID always causes a VM exit in VMX non-root operation (SDM Vol. 3C §25.1.2, reason 10): the
; processor has no control to let it through. The VMM answers from its CPU model, but edits it:
;   - leaf 1 ECX bit 5 (VMX) is cleared: this VMM offers no nested virtualization;
;   - leaf 1 ECX bit 31 ("hypervisor present", reserved for VMMs) is set;
;   - leaf 0x40000000 returns the hypervisor's vendor signature ("VTLabVMM    ").
; Run the same file with "; @mode bare" and the answers come from the processor itself: VMX = 1,
; hypervisor = 0, and the program skips leaf 0x40000000 (no hypervisor to ask).

COM1            equ 0x3F8
COM1_LSR        equ COM1 + 5

start:
        ; ---- leaf 0: highest basic leaf in EAX, vendor string in EBX, EDX, ECX (in that order)
        xor     eax, eax
        cpuid
        mov     [vendor + 0], ebx
        mov     [vendor + 4], edx
        mov     [vendor + 8], ecx
        mov     [max_leaf], eax
        mov     esi, msg_vendor
        call    puts
        mov     esi, vendor
        call    puts
        mov     esi, msg_max
        call    puts
        mov     eax, [max_leaf]
        call    put_hex
        call    newline

        ; ---- leaf 1: family/model/stepping in EAX, feature flags in ECX and EDX
        mov     eax, 1
        cpuid
        mov     [leaf1_ecx], ecx
        mov     esi, msg_sig
        call    puts
        call    put_hex             ; EAX = signature
        call    newline
        mov     esi, msg_vmx
        call    puts
        mov     eax, [leaf1_ecx]
        shr     eax, 5              ; ECX bit 5: VMX
        and     eax, 1
        add     al, '0'
        call    putc
        mov     esi, msg_hv
        call    puts
        mov     eax, [leaf1_ecx]
        shr     eax, 31             ; ECX bit 31: running under a hypervisor
        add     al, '0'
        call    putc
        call    newline

        ; ---- leaf 0x40000000: the hypervisor's own leaf (only meaningful when bit 31 above is 1)
        mov     eax, [leaf1_ecx]
        test    eax, eax            ; bit 31 set = negative
        jns     .no_hypervisor
        mov     eax, 0x40000000
        cpuid
        mov     [vendor + 0], ebx
        mov     [vendor + 4], ecx   ; hypervisor leaves use EBX, ECX, EDX order
        mov     [vendor + 8], edx
        mov     esi, msg_hv_vendor
        call    puts
        mov     esi, vendor
        call    puts
        call    newline
.no_hypervisor:
        cli
        hlt

; ---------------------------------------------------------------- UART output (polled)
putc:                               ; AL = character
        push    edx
        push    eax
        mov     dx, COM1_LSR
.wait:
        in      al, dx
        test    al, 0x20            ; LSR bit 5: THR empty
        jz      .wait
        pop     eax
        mov     dx, COM1
        out     dx, al
        pop     edx
        ret
puts:                               ; ESI = zero-terminated string
        push    eax
.next:
        lodsb
        test    al, al
        jz      .end
        call    putc
        jmp     .next
.end:
        pop     eax
        ret
newline:
        mov     al, 10
        jmp     putc
put_hex:                            ; EAX = value, printed as 8 hex digits
        pushad
        mov     ebx, eax
        mov     ecx, 8
.digit:
        rol     ebx, 4
        mov     eax, ebx
        and     eax, 0x0F
        mov     al, [hex_digits + eax]
        call    putc
        loop    .digit
        popad
        ret

hex_digits:     db "0123456789ABCDEF"
vendor:         times 12 db 0
                db 0                ; terminator
max_leaf:       dd 0
leaf1_ecx:      dd 0
msg_vendor:     db "CPUID.0 vendor: ", 0
msg_max:        db ", max basic leaf 0x", 0
msg_sig:        db "CPUID.1 signature 0x", 0
msg_vmx:        db "CPUID.1:ECX.VMX[5] = ", 0
msg_hv:         db ", CPUID.1:ECX.hypervisor[31] = ", 0
msg_hv_vendor:  db "CPUID.40000000h hypervisor: ", 0
