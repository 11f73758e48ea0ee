; @mode bare
;
; bare-hypervisor.s — a complete (tiny) hypervisor: from VMXON to handling VM exits.
;
; On the bare machine the program owns the processor. It
;   1. checks that VMX exists (CPUID.1:ECX.VMX) and that firmware enabled it (IA32_FEATURE_CONTROL);
;   2. adjusts CR0 and CR4 to the VMX fixed bits and sets CR4.VMXE;
;   3. VMXON with a 4-KiB region stamped with the VMCS revision identifier (IA32_VMX_BASIC);
;   4. VMCLEAR + VMPTRLD a VMCS, then VMWRITEs the controls (adjusted to what the CPU allows), the
;      host state (where VM exits land) and the guest state (flat protected mode, like ours);
;   5. VMLAUNCH. The guest runs CPUID (always a VM exit, reason 10) and HLT (an exit because we
;      set "HLT exiting", reason 12).
; The host handles the CPUID exit by answering with its own vendor string, advances GUEST_RIP by
; the VM-exit instruction length and VMRESUMEs. On the HLT exit it reports and stops (CLI; HLT).
; Every step prints through the UART. The trace shows each VMX instruction, the VM entries and exits.
; SDM references: Vol. 3C Ch. 23-27 (2016 numbering: §23.7 VMXON, §24 VMCS, §26 entry, §27 exit).

VMXON_REGION    equ 0x100000        ; 4-KiB aligned, in free memory
VMCS_REGION     equ 0x101000
HOST_STACK      equ 0x8F000         ; HOST_RSP: the stack the exit handler starts on
GUEST_STACK     equ 0x7F000
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
VM_EXIT_INSTRUCTION_LEN equ 0x440C
GUEST_CR0               equ 0x6800
GUEST_CR3               equ 0x6802
GUEST_CR4               equ 0x6804
GUEST_RSP               equ 0x681C
GUEST_RIP               equ 0x681E
HOST_CR0                equ 0x6C00
HOST_CR3                equ 0x6C02
HOST_CR4                equ 0x6C04
HOST_IDTR_BASE          equ 0x6C0E
HOST_RSP                equ 0x6C14
HOST_RIP                equ 0x6C16
HLT_EXITING             equ 1 << 7  ; primary processor-based control bit 7

EXIT_REASON_CPUID       equ 10
EXIT_REASON_HLT         equ 12

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
        mov     eax, HLT_EXITING            ; HLT exits (CPUID always does)
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
        vmwrite ebx, eax                    ; VMWRITE field (register), value (register/memory)
        jbe     vmfail
        add     esi, 8
        jmp     .table
.table_done:

        ; the fields that depend on the current state
        mov     eax, cr0                    ; host and guest share CR0, CR3 (the identity map) and CR4
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
        mov     eax, HOST_STACK             ; where a VM exit lands: HOST_RSP / HOST_RIP
        mov     ebx, HOST_RSP
        call    vmw
        mov     eax, vm_exit_handler
        mov     ebx, HOST_RIP
        call    vmw
        mov     eax, GUEST_STACK            ; where the guest starts
        mov     ebx, GUEST_RSP
        call    vmw
        mov     eax, guest_code
        mov     ebx, GUEST_RIP
        call    vmw
        mov     esi, msg_vmcs
        call    puts

        ; ---- 5. enter the guest. VMLAUNCH only returns here if it fails.
        vmlaunch
        jmp     vmfail

; ==================================================================== the guest
guest_code:
        xor     eax, eax
        cpuid                               ; VM exit 10: the host chooses the answer
        mov     [guest_vendor + 0], ebx
        mov     [guest_vendor + 4], edx
        mov     [guest_vendor + 8], ecx
        hlt                                 ; VM exit 12 ("HLT exiting")
        jmp     guest_code                  ; (not reached)

; ==================================================================== VM exits land here
; HOST_RIP = vm_exit_handler, HOST_RSP = HOST_STACK, CR0/CR3/CR4 and segments from the host-state
; area. The guest's general-purpose registers (except ESP) are still in the registers: save them.
vm_exit_handler:
        pushad                              ; [esp] EDI ESI EBP ESP EBX EDX ECX EAX [esp + 28]
        mov     ebx, VM_EXIT_REASON
        vmread  eax, ebx
        test    eax, eax
        js      entry_failed                ; bit 31: the VM entry itself failed
        and     eax, 0xFFFF                 ; basic exit reason
        mov     [exit_reason], eax
        mov     esi, msg_exit
        call    puts
        call    put_dec
        mov     esi, msg_at
        call    puts
        mov     ebx, GUEST_RIP
        vmread  eax, ebx
        call    put_hex
        mov     esi, msg_len
        call    puts
        mov     ebx, VM_EXIT_INSTRUCTION_LEN
        vmread  eax, ebx
        call    put_dec
        mov     al, 10
        call    putc
        mov     eax, [exit_reason]
        cmp     eax, EXIT_REASON_CPUID
        je      handle_cpuid
        cmp     eax, EXIT_REASON_HLT
        je      handle_hlt
        mov     esi, msg_unexpected
        call    puts
        cli
        hlt

; CPUID: execute it for the guest (with the guest's EAX/ECX), replace the vendor string of leaf 0,
; put the results in the guest's saved registers, skip the instruction, resume.
handle_cpuid:
        mov     eax, [esp + 28]             ; guest EAX: the leaf
        mov     ecx, [esp + 24]             ; guest ECX: the subleaf
        push    eax
        cpuid
        mov     [esp + 4 + 28], eax
        mov     [esp + 4 + 16], ebx
        mov     [esp + 4 + 24], ecx
        mov     [esp + 4 + 20], edx
        pop     eax
        test    eax, eax
        jnz     .resume
        mov     dword [esp + 16], 'VTLa'    ; leaf 0: EBX, EDX, ECX = "VTLab-TinyHV"
        mov     dword [esp + 20], 'b-Ti'
        mov     dword [esp + 24], 'nyHV'
        mov     esi, msg_cpuid
        call    puts
.resume:
        ; GUEST_RIP += VM-exit instruction length (CPUID is a fault-like exit: RIP still points at it)
        mov     ebx, VM_EXIT_INSTRUCTION_LEN
        vmread  ecx, ebx
        mov     ebx, GUEST_RIP
        vmread  eax, ebx
        add     eax, ecx
        vmwrite ebx, eax
        popad                               ; the guest's registers, with the CPUID results
        vmresume
        jmp     vmfail                      ; only reached if VMRESUME fails

handle_hlt:
        mov     esi, msg_hlt
        call    puts
        mov     esi, guest_vendor
        call    puts
        mov     al, 10
        call    putc
        mov     esi, msg_done
        call    puts
        cli
        hlt                                 ; the host stops (still in VMX root operation)

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

; ==================================================================== data
vmxon_pointer:  dq VMXON_REGION
vmcs_pointer:   dq VMCS_REGION
ctls_msr_offset: dd 0
exit_reason:    dd 0
idtr_save:      dw 0
                dd 0

; VMCS fields with fixed values: pairs of (encoding, value), ended by -1.
; Segment access rights use the VMX format (SDM Vol. 3C §24.4.1): 0xC093 = data, 0xC09B = code
; (present, DPL 0, 4-KiB granularity, 32-bit), 0x8B = busy 32-bit TSS, 0x10000 = unusable.
vmcs_table:
        ; guest segment registers: selector, base, limit, access rights
        dd 0x0800, 0x10,  0x6806, 0,      0x4800, 0xFFFFFFFF, 0x4814, 0xC093   ; ES
        dd 0x0802, 0x08,  0x6808, 0,      0x4802, 0xFFFFFFFF, 0x4816, 0xC09B   ; CS
        dd 0x0804, 0x10,  0x680A, 0,      0x4804, 0xFFFFFFFF, 0x4818, 0xC093   ; SS
        dd 0x0806, 0x10,  0x680C, 0,      0x4806, 0xFFFFFFFF, 0x481A, 0xC093   ; DS
        dd 0x0808, 0x10,  0x680E, 0,      0x4808, 0xFFFFFFFF, 0x481C, 0xC093   ; FS
        dd 0x080A, 0x10,  0x6810, 0,      0x480A, 0xFFFFFFFF, 0x481E, 0xC093   ; GS
        dd 0x080C, 0,     0x6812, 0,      0x480C, 0,          0x4820, 0x10000  ; LDTR (unusable)
        dd 0x080E, 0x28,  0x6814, 0x1100, 0x480E, 0x67,       0x4822, 0x8B     ; TR (the standard TSS)
        ; guest descriptor tables, flags, debug state, activity
        dd 0x6816, 0x1000, 0x4810, 63     ; GDTR base, limit (the standard GDT)
        dd 0x6818, 0,      0x4812, 0      ; IDTR base, limit (the guest takes no interrupts)
        dd 0x6820, 0x2                    ; GUEST_RFLAGS: IF = 0, bit 1 = 1
        dd 0x681A, 0x400                  ; GUEST_DR7 (loaded: "load debug controls" is a default1 control)
        dd 0x2802, 0, 0x2803, 0           ; GUEST_IA32_DEBUGCTL (64-bit: full, then high)
        dd 0x2800, 0xFFFFFFFF, 0x2801, 0xFFFFFFFF ; VMCS link pointer: none (all ones)
        dd 0x4824, 0                      ; guest interruptibility state
        dd 0x4826, 0                      ; guest activity state: active
        dd 0x6822, 0                      ; pending debug exceptions
        dd 0x482A, 0, 0x6824, 0, 0x6826, 0 ; guest SYSENTER_CS/ESP/EIP
        ; controls with no wish attached
        dd 0x4004, 0                      ; exception bitmap: no exception exits
        dd 0x400A, 0                      ; CR3-target count
        dd 0x400E, 0, 0x4010, 0, 0x4014, 0 ; MSR store/load counts
        dd 0x4016, 0                      ; VM-entry interruption information: inject nothing
        dd 0x6000, 0, 0x6002, 0           ; CR0/CR4 guest/host masks: the guest owns every bit
        ; host state: selectors and bases (CR0/CR3/CR4, IDTR, RSP, RIP are written by the code)
        dd 0x0C00, 0x10, 0x0C02, 0x08, 0x0C04, 0x10, 0x0C06, 0x10
        dd 0x0C08, 0x10, 0x0C0A, 0x10, 0x0C0C, 0x28
        dd 0x6C06, 0, 0x6C08, 0, 0x6C0A, 0x1100, 0x6C0C, 0x1000 ; FS, GS, TR, GDTR bases
        dd 0x4C00, 0, 0x6C10, 0, 0x6C12, 0 ; host SYSENTER_CS/ESP/EIP
        dd -1

hex_digits:     db "0123456789ABCDEF"
guest_vendor:   times 12 db 0
                db 0
msg_start:      db "tiny hypervisor: checking for VMX", 10, 0
msg_vmxon:      db "VMXON ok: in VMX root operation", 10, 0
msg_vmcs:       db "VMCS ready, VMLAUNCH", 10, 0
msg_exit:       db "VM exit: reason ", 0
msg_at:         db " at guest EIP ", 0
msg_len:        db ", instruction length ", 0
msg_cpuid:      db "  CPUID leaf 0 answered with vendor 'VTLab-TinyHV'; GUEST_RIP advanced, VMRESUME", 10, 0
msg_hlt:        db "  HLT: the guest is done. It saw CPUID vendor: ", 0
msg_done:       db "host: stopping", 10, 0
msg_unexpected: db "  unexpected exit reason", 10, 0
msg_entry_failed: db "VM entry failed, exit reason ", 0
msg_no_vmx:     db "VMX is not available or not enabled by firmware", 10, 0
msg_vmfail_valid: db "VMfailValid, VM-instruction error ", 0
msg_vmfail_invalid: db "VMfailInvalid", 10, 0
