; @mode bare
;
; real-mode-guest.s — how a VMM of 2006–2008 ran real-mode code: as a virtual-8086 guest.
;
; Before "unrestricted guest" (Westmere, 2010) VM entry required CR0.PE = 1 and CR0.PG = 1 in the guest (the
; IA32_VMX_CR0_FIXED0 MSR), so a guest's BIOS and boot loader, which run in real mode, could not be entered as they
; are. VMMs of the time (KVM's "vm86_active" real-mode support, for one) entered them in virtual-8086 mode instead:
; RFLAGS.VM = 1, and CS, SS, DS, ES, FS, GS each at base = selector x 16, limit FFFFH, access rights F3H, which is
; exactly what VM entry checks for a virtual-8086 guest (SDM Vol. 3C §26.3.1.2). The 8086 code then runs at CPL 3
; with real-mode addressing, and whatever it may not do there becomes a VM exit the VMM emulates.
;
; This hypervisor (the same VMXON and VMCS set-up as bare-hypervisor.s)
;   1. enters a virtual-8086 guest: 16-bit code with its message in its own code segment (DS = CS);
;   2. sets "unconditional I/O exiting": each OUT to the UART is VM exit 30, which the host forwards to its UART.
;      The guest's TSS has an I/O permission bitmap that allows every port, because in virtual-8086 mode the processor
;      checks that bitmap before the I/O exit (SDM Vol. 3A §20.2.8.1; Vol. 3C §25.1.1) and would raise #GP instead;
;   3. sets bit 13 (#GP) in the exception bitmap: the guest's HLT is privileged at CPL 3, so it faults with #GP(0),
;      which exits with reason 0 (exception or NMI); the host reads the faulting instruction (F4H, HLT) at
;      GUEST_CS_BASE + GUEST_RIP and stops the guest, as a VMM emulating HLT would.

VMXON_REGION    equ 0x100000        ; 4-KiB aligned, in free memory
VMCS_REGION     equ 0x101000
GUEST_TSS       equ 0x102000        ; the guest's TSS: 104 bytes, then an 8-KiB I/O bitmap of zeros, then FFH
HOST_STACK      equ 0x8F000         ; HOST_RSP: the stack the exit handler starts on
GUEST_SS        equ 0x7000          ; the guest's stack segment: linear 0x70000, SP = 0xFF00
GUEST_SP        equ 0xFF00
COM1            equ 0x3F8

; ---- MSRs (SDM Vol. 3C App. A)
IA32_FEATURE_CONTROL    equ 0x3A
IA32_VMX_BASIC          equ 0x480
IA32_VMX_PINBASED_CTLS  equ 0x481
IA32_VMX_PROCBASED_CTLS equ 0x482
IA32_VMX_EXIT_CTLS      equ 0x483
IA32_VMX_ENTRY_CTLS     equ 0x484
IA32_VMX_CR0_FIXED0     equ 0x486
IA32_VMX_CR0_FIXED1     equ 0x487
IA32_VMX_CR4_FIXED0     equ 0x488
IA32_VMX_CR4_FIXED1     equ 0x489
TRUE_CTLS_OFFSET        equ 0x0C    ; IA32_VMX_TRUE_PINBASED_CTLS = 0x48D, ... (if BASIC bit 55)

; ---- VMCS field encodings (SDM Vol. 3C App. B)
PIN_BASED_VM_EXEC_CONTROL equ 0x4000
CPU_BASED_VM_EXEC_CONTROL equ 0x4002
VM_EXIT_CONTROLS        equ 0x400C
VM_ENTRY_CONTROLS       equ 0x4012
VM_INSTRUCTION_ERROR    equ 0x4400
VM_EXIT_REASON          equ 0x4402
VM_EXIT_INTR_INFO       equ 0x4404
VM_EXIT_INSTRUCTION_LEN equ 0x440C
EXIT_QUALIFICATION      equ 0x6400
GUEST_CR0               equ 0x6800
GUEST_CR3               equ 0x6802
GUEST_CR4               equ 0x6804
GUEST_CS_BASE           equ 0x6808
GUEST_RIP               equ 0x681E
HOST_CR0                equ 0x6C00
HOST_CR3                equ 0x6C02
HOST_CR4                equ 0x6C04
HOST_IDTR_BASE          equ 0x6C0E
HOST_RSP                equ 0x6C14
HOST_RIP                equ 0x6C16
UNCONDITIONAL_IO_EXITING equ 1 << 24 ; primary processor-based control bit 24

EXIT_REASON_EXCEPTION   equ 0
EXIT_REASON_IO          equ 30

start:
        mov     esi, msg_start
        call    puts

        ; ---- 1. is VMX there, and did firmware enable it?
        mov     eax, 1
        cpuid
        test    ecx, 1 << 5                 ; CPUID.1:ECX.VMX
        jz      no_vmx
        mov     ecx, IA32_FEATURE_CONTROL
        rdmsr
        and     eax, 0x5                    ; bit 0 lock, bit 2 "VMX outside SMX"
        cmp     eax, 0x5
        jne     no_vmx

        ; ---- 2. CR0/CR4: set the bits FIXED0 requires, clear those FIXED1 forbids, set CR4.VMXE
        mov     ecx, IA32_VMX_CR0_FIXED0
        rdmsr
        mov     ebx, cr0
        or      ebx, eax
        mov     ecx, IA32_VMX_CR0_FIXED1
        rdmsr
        and     ebx, eax
        mov     cr0, ebx
        mov     ecx, IA32_VMX_CR4_FIXED0
        rdmsr
        mov     ebx, cr4
        or      ebx, eax
        or      ebx, 1 << 13                ; CR4.VMXE
        mov     ecx, IA32_VMX_CR4_FIXED1
        rdmsr
        and     ebx, eax
        mov     cr4, ebx

        ; ---- 3. VMXON: the region starts with the VMCS revision identifier (IA32_VMX_BASIC[30:0])
        mov     ecx, IA32_VMX_BASIC
        rdmsr
        and     eax, 0x7FFFFFFF
        mov     [VMXON_REGION], eax
        mov     [VMCS_REGION], eax
        test    edx, 1 << 23                ; BASIC bit 55: the TRUE_*_CTLS MSRs exist
        jz      .no_true_ctls
        mov     dword [ctls_msr_offset], TRUE_CTLS_OFFSET
.no_true_ctls:
        vmxon   [vmxon_pointer]             ; operand: memory holding the region's physical address
        jbe     vmfail                      ; CF = 1 (VMfailInvalid) or ZF = 1 (VMfailValid)
        mov     esi, msg_vmxon
        call    puts

        ; ---- 4. the VMCS: clear it (launch state "clear"), make it current
        vmclear [vmcs_pointer]
        jbe     vmfail
        vmptrld [vmcs_pointer]
        jbe     vmfail

        ; controls: desired bits, adjusted with the capability MSR (low dword: bits that must be 1,
        ; high dword: bits that may be 1)
        mov     ecx, IA32_VMX_PINBASED_CTLS
        xor     eax, eax                    ; no pin-based controls wanted
        mov     ebx, PIN_BASED_VM_EXEC_CONTROL
        call    write_control
        mov     ecx, IA32_VMX_PROCBASED_CTLS
        mov     eax, UNCONDITIONAL_IO_EXITING ; every IN/OUT exits (no I/O bitmaps)
        mov     ebx, CPU_BASED_VM_EXEC_CONTROL
        call    write_control
        mov     ecx, IA32_VMX_EXIT_CTLS
        xor     eax, eax                    ; a 32-bit host: "host address-space size" = 0
        mov     ebx, VM_EXIT_CONTROLS
        call    write_control
        mov     ecx, IA32_VMX_ENTRY_CTLS
        xor     eax, eax                    ; a 32-bit guest: "IA-32e mode guest" = 0
        mov     ebx, VM_ENTRY_CONTROLS
        call    write_control

        ; the fields with constant values, from the table below
        mov     esi, vmcs_table
.table:
        mov     ebx, [esi]                  ; field encoding
        cmp     ebx, -1
        je      .table_done
        mov     eax, [esi + 4]              ; value
        vmwrite ebx, eax
        jbe     vmfail
        add     esi, 8
        jmp     .table
.table_done:

        ; the guest's TSS: I/O-map base right after the 104-byte TSS; the 8 KiB bitmap is zero (every port allowed
        ; at the TSS level, so the I/O exit decides); the byte after it must be FFH (SDM Vol. 1 §19.5.2)
        mov     word [GUEST_TSS + 0x66], 0x68
        mov     byte [GUEST_TSS + 0x68 + 0x2000], 0xFF

        ; the fields that depend on the current state: paging and CR0.PE stay on (VMX of 2007 requires them)
        mov     eax, cr0
        mov     ebx, HOST_CR0
        call    vmw
        mov     ebx, GUEST_CR0
        call    vmw
        mov     eax, cr3
        mov     ebx, HOST_CR3
        call    vmw
        mov     ebx, GUEST_CR3
        call    vmw
        mov     eax, cr4
        mov     ebx, HOST_CR4
        call    vmw
        mov     ebx, GUEST_CR4
        call    vmw
        sidt    [idtr_save]
        mov     eax, [idtr_save + 2]
        mov     ebx, HOST_IDTR_BASE
        call    vmw
        mov     eax, HOST_STACK
        mov     ebx, HOST_RSP
        call    vmw
        mov     eax, vm_exit_handler
        mov     ebx, HOST_RIP
        call    vmw
        mov     esi, msg_vmcs
        call    puts
        mov     eax, real_mode_code >> 4    ; the guest's CS, as the message shows it
        call    put_hex16
        mov     esi, msg_vmcs2
        call    puts

        ; ---- 5. enter the guest. VMLAUNCH only returns here if it fails.
        vmlaunch
        jmp     vmfail

; ==================================================================== VM exits land here
vm_exit_handler:
        pushad                              ; [esp] EDI ESI EBP ESP EBX EDX ECX EAX [esp + 28]
        mov     ebx, VM_EXIT_REASON
        vmread  eax, ebx
        test    eax, eax
        js      entry_failed                ; bit 31: the VM entry itself failed
        and     eax, 0xFFFF
        cmp     eax, EXIT_REASON_IO
        je      handle_io
        cmp     eax, EXIT_REASON_EXCEPTION
        je      handle_exception
        mov     esi, msg_unexpected
        call    puts
        call    put_dec
        mov     al, 10
        call    putc
        cli
        hlt

; I/O instruction (reason 30). Exit qualification (SDM Vol. 3C Table 27-5): bits 2:0 size - 1, bit 3 direction
; (1 = IN), bit 4 string, bits 31:16 port. The guest only does byte OUT DX, AL and IN AL, DX: pass them through.
handle_io:
        inc     dword [io_exits]
        mov     ebx, EXIT_QUALIFICATION
        vmread  eax, ebx
        mov     edx, eax
        shr     edx, 16                     ; the port
        test    eax, 1 << 3
        jnz     .in
        mov     eax, [esp + 28]             ; guest EAX: AL is the byte
        cmp     dx, COM1
        jne     .skip
        call    putc                        ; the host's UART driver, with its LSR wait
        jmp     .skip
.in:
        in      al, dx
        mov     [esp + 28], al              ; into the guest's AL
.skip:
        ; GUEST_RIP += VM-exit instruction length (the exit happened instead of the instruction)
        mov     ebx, VM_EXIT_INSTRUCTION_LEN
        vmread  ecx, ebx
        mov     ebx, GUEST_RIP
        vmread  eax, ebx
        add     eax, ecx
        vmwrite ebx, eax
        popad
        vmresume
        jmp     vmfail

; Exception or NMI (reason 0). VM-exit interruption information (SDM Vol. 3C Table 24-19): bits 7:0 vector, bits 10:8
; type (3 = hardware exception), bit 11 error code valid, bit 31 valid. A #GP(0) from the guest's HLT.
handle_exception:
        mov     ebx, VM_EXIT_INTR_INFO
        vmread  eax, ebx
        and     eax, 0xFF
        mov     esi, msg_exception
        call    puts
        call    put_dec
        mov     esi, msg_at
        call    puts
        mov     ebx, GUEST_CS_BASE
        vmread  ecx, ebx
        mov     ebx, GUEST_RIP
        vmread  edx, ebx
        mov     eax, ecx
        shr     eax, 4
        call    put_hex16
        mov     al, ':'
        call    putc
        mov     eax, edx
        call    put_hex16
        mov     al, 10
        call    putc
        movzx   eax, byte [ecx + edx]       ; the faulting instruction's first byte (host paging is the identity)
        cmp     al, 0xF4
        jne     .other
        mov     esi, msg_hlt
        call    puts
        mov     eax, [io_exits]
        call    put_dec
        mov     esi, msg_done
        call    puts
        cli
        hlt
.other:
        mov     esi, msg_not_hlt
        call    puts
        cli
        hlt

entry_failed:
        and     eax, 0xFFFF
        mov     esi, msg_entry_failed
        call    puts
        call    put_dec
        mov     al, 10
        call    putc
        cli
        hlt

no_vmx:
        mov     esi, msg_no_vmx
        call    puts
        cli
        hlt

; VMfailInvalid (CF = 1: no current VMCS) or VMfailValid (ZF = 1: error number in the VMCS)
vmfail:
        jc      .invalid
        mov     esi, msg_vmfail_valid
        call    puts
        mov     ebx, VM_INSTRUCTION_ERROR
        vmread  eax, ebx
        call    put_dec
        mov     al, 10
        call    putc
        cli
        hlt
.invalid:
        mov     esi, msg_vmfail_invalid
        call    puts
        cli
        hlt

; ==================================================================== helpers
; write_control: ECX = capability MSR, EAX = desired bits, EBX = VMCS field
write_control:
        push    edx
        push    eax
        add     ecx, [ctls_msr_offset]      ; the TRUE_* MSR when it exists
        rdmsr                               ; EAX = allowed 0-settings, EDX = allowed 1-settings
        pop     ecx                         ; ECX = desired
        or      ecx, eax                    ; bits that must be 1
        and     ecx, edx                    ; bits that may be 1
        mov     eax, ecx
        pop     edx
        ; fall through
; vmw: EBX = field encoding, EAX = value
vmw:
        vmwrite ebx, eax
        jbe     vmfail
        ret

putc:                                       ; AL = character
        push    edx
        push    eax
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20                    ; LSR.THRE
        jz      .wait
        pop     eax
        mov     dx, COM1
        out     dx, al
        pop     edx
        ret
puts:                                       ; ESI = zero-terminated string
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
put_dec:                                    ; EAX = unsigned number
        pushad
        mov     ebx, 10
        xor     ecx, ecx
.divide:
        xor     edx, edx
        div     ebx
        push    edx
        inc     ecx
        test    eax, eax
        jnz     .divide
.print:
        pop     eax
        add     al, '0'
        call    putc
        loop    .print
        popad
        ret
put_hex:                                    ; EAX = value, as 0x + 8 hex digits
        pushad
        mov     ebx, eax
        mov     al, '0'
        call    putc
        mov     al, 'x'
        call    putc
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

put_hex16:                                  ; AX = value, as 4 hex digits (a real-mode selector or offset)
        pushad
        mov     ebx, eax
        rol     ebx, 16
        mov     ecx, 4
.digit:
        rol     ebx, 4
        mov     eax, ebx
        and     eax, 0x0F
        mov     al, [hex_digits + eax]
        call    putc
        loop    .digit
        popad
        ret

; ==================================================================== the guest: 8086 code
; It starts at CS:IP = (real_mode_code >> 4):0000, so the label must sit on a paragraph (16-byte) boundary.
align 16
bits 16
real_mode_code:
        mov     ax, cs
        mov     ds, ax                      ; DS = CS: in virtual-8086 mode, base = 16 x selector, no descriptor
        mov     si, rm_message - real_mode_code
        mov     dx, COM1
.next:
        lodsb
        test    al, al
        jz      .done
        out     dx, al                      ; VM exit 30: the host forwards the byte
        jmp     .next
.done:
        hlt                                 ; privileged at CPL 3: #GP(0), VM exit 0 through the exception bitmap
rm_message:     db "  guest: hello from real-mode code, running in virtual-8086 mode at CPL 3", 10, 0
bits 32

; ==================================================================== data
vmxon_pointer:  dq VMXON_REGION
vmcs_pointer:   dq VMCS_REGION
ctls_msr_offset: dd 0
io_exits:       dd 0
idtr_save:      dw 0
                dd 0

; VMCS fields with fixed values: pairs of (encoding, value), ended by -1.
; A virtual-8086 guest: every segment register has base = selector x 16, limit 0xFFFF and access rights 0xF3 (present,
; DPL 3, read/write accessed data) - the only values VM entry accepts with RFLAGS.VM = 1 (SDM Vol. 3C §26.3.1.2).
vmcs_table:
        dd 0x0802, real_mode_code >> 4, 0x6808, real_mode_code & 0xFFFF0, 0x4802, 0xFFFF, 0x4816, 0xF3 ; CS
        dd 0x0804, GUEST_SS, 0x680A, GUEST_SS << 4, 0x4804, 0xFFFF, 0x4818, 0xF3 ; SS
        dd 0x0800, 0, 0x6806, 0, 0x4800, 0xFFFF, 0x4814, 0xF3                   ; ES
        dd 0x0806, 0, 0x680C, 0, 0x4806, 0xFFFF, 0x481A, 0xF3                   ; DS
        dd 0x0808, 0, 0x680E, 0, 0x4808, 0xFFFF, 0x481C, 0xF3                   ; FS
        dd 0x080A, 0, 0x6810, 0, 0x480A, 0xFFFF, 0x481E, 0xF3                   ; GS
        dd 0x080C, 0, 0x6812, 0, 0x480C, 0, 0x4820, 0x10000                     ; LDTR (unusable)
        dd 0x080E, 0x28, 0x6814, GUEST_TSS, 0x480E, 0x68 + 0x2000, 0x4822, 0x8B ; TR: the guest's TSS with its bitmap
        dd 0x6816, 0x1000, 0x4810, 63     ; GDTR base, limit (the standard GDT)
        dd 0x6818, 0,      0x4812, 0      ; IDTR: none (every event the guest meets exits first)
        dd 0x6820, 0x23002                ; GUEST_RFLAGS: VM = 1, IOPL = 3, IF = 0, bit 1 = 1
        dd 0x681C, GUEST_SP               ; GUEST_RSP
        dd 0x681E, 0                      ; GUEST_RIP: IP 0 in the code paragraph
        dd 0x681A, 0x400                  ; GUEST_DR7
        dd 0x2802, 0, 0x2803, 0           ; GUEST_IA32_DEBUGCTL
        dd 0x2800, 0xFFFFFFFF, 0x2801, 0xFFFFFFFF ; VMCS link pointer: none
        dd 0x4824, 0                      ; guest interruptibility state
        dd 0x4826, 0                      ; guest activity state: active (HLT would need SS.DPL = 0)
        dd 0x6822, 0                      ; pending debug exceptions
        dd 0x482A, 0, 0x6824, 0, 0x6826, 0 ; guest SYSENTER_CS/ESP/EIP
        dd 0x4004, 1 << 13                ; exception bitmap: #GP exits (the guest's privileged instructions)
        dd 0x4006, 0, 0x4008, 0           ; #PF error-code mask/match
        dd 0x400A, 0                      ; CR3-target count
        dd 0x400E, 0, 0x4010, 0, 0x4014, 0 ; MSR store/load counts
        dd 0x4016, 0                      ; VM-entry interruption information: inject nothing
        dd 0x6000, 0, 0x6002, 0           ; CR0/CR4 guest/host masks
        dd 0x0C00, 0x10, 0x0C02, 0x08, 0x0C04, 0x10, 0x0C06, 0x10 ; host selectors
        dd 0x0C08, 0x10, 0x0C0A, 0x10, 0x0C0C, 0x28
        dd 0x6C06, 0, 0x6C08, 0, 0x6C0A, 0x1100, 0x6C0C, 0x1000 ; host FS, GS, TR, GDTR bases
        dd 0x4C00, 0, 0x6C10, 0, 0x6C12, 0 ; host SYSENTER_CS/ESP/EIP
        dd -1

hex_digits:     db "0123456789ABCDEF"
msg_start:      db "2007-style hypervisor: checking for VMX", 10, 0
msg_vmxon:      db "VMXON ok: in VMX root operation", 10, 0
msg_vmcs:       db "VMCS ready: a virtual-8086 guest (RFLAGS.VM = 1) at CS = ", 0
msg_vmcs2:      db ", base = CS x 16; VMLAUNCH", 10, 0
msg_exception:  db "VM exit 0: exception ", 0
msg_at:         db " at guest CS:IP ", 0
msg_hlt:        db "  the instruction is HLT (F4H), privileged in virtual-8086 mode: the host emulates it and stops the guest", 10, "  I/O exits forwarded to the UART: ", 0
msg_done:       db 10, "host: stopping", 10, 0
msg_not_hlt:    db "  not a HLT: the host stops", 10, 0
msg_unexpected: db "unexpected exit reason ", 0
msg_entry_failed: db "VM entry failed, exit reason ", 0
msg_no_vmx:     db "VMX is not available or not enabled by firmware", 10, 0
msg_vmfail_valid: db "VMfailValid, VM-instruction error ", 0
msg_vmfail_invalid: db "VMfailInvalid", 10, 0
