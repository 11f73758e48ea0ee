; @mode guest
;
; kernel-pv.s — kernel.s ported to the paravirtual VMM (src/core/techniques/paravirt,
; docs/paravirt-abi.md): the same kernel, with every privileged operation replaced by a hypercall
; (INT 0x82, Xen's 32-bit ABI) or by a write to the shared-info page. It runs only on the paravirtual
; VMM (runOnParavirtVmm), in ring 1; kernel.s itself is crashed there at its first CLI.
; Every changed line carries a "PV:" comment; pvSourceDiff(kernel.s, kernel-pv.s) lists them.
;
; What kernel.s does (and this port does the same way, unless a PV: comment says otherwise):
;
;   1. COM1 (16550 UART): 115200 baud 8N1; every byte is written only after polling LSR bit 5
;      ("transmitter holding register empty").
;   2. Its own GDT (kernel and user code/data, a TSS) and LTR, so that an interrupt taken at ring 3
;      finds the kernel stack (TSS.SS0:ESP0).
;   3. An IDT: vectors 0-19 print the exception and halt; 0x20 is the timer (IRQ0 after remapping);
;      0x80 is the system-call gate, with DPL 3 so that ring 3 may use INT 0x80.
;   4. 32-bit paging: a page directory and two page tables identity-map the first 8 MiB with 4-KiB
;      pages (supervisor-only except the user pages), one 4-MiB page (CR4.PSE) aliases physical 0 at
;      0xC0000000, then CR0.PG and CR0.WP are set.
;   5. The 8259A PICs remapped to vectors 0x20-0x2F (only IRQ0 unmasked) and the 8254 PIT channel 0
;      at 100 Hz (mode 2, rate generator).
;   6. STI, then IRET to a ring-3 task (CS = 0x1B) that makes system calls with INT 0x80:
;      write a string, get the tick count, sleep until the next tick, exit.
;   7. Back in the kernel, it idles with HLT until TICKS_TO_RUN timer ticks have passed, prints a
;      summary and stops with CLI; HLT (the run ends "halted").
;
; Under the paravirtual VMM: CLI/STI are byte writes to the shared-info page (no trap); the console,
; the PIC/PIT, the trap table, the page directory, HLT and the interrupt return are hypercalls;
; system calls (INT 0x80, a direct trap gate) and page walks never enter the VMM.

; ---------------------------------------------------------------- parameters
TICKS_TO_RUN    equ 20              ; timer ticks before the kernel prints its summary and stops
TIMER_HZ        equ 100             ; PIT interrupt rate
PIT_INPUT_HZ    equ 1193182         ; the 8254's input clock (1.193182 MHz)
PIT_DIVISOR     equ (PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ   ; 11932 -> 99.998 Hz
USER_SLEEPS     equ 3               ; how many times the ring-3 task sleeps for one tick
USER_FAULT_DEMO equ 0               ; 1: the ring-3 task tries HLT (privileged) -> #GP, caught by the kernel

; ---------------------------------------------------------------- memory map (physical = linear)
KERNEL_STACK    equ 0x90000         ; top of the kernel stack (TSS.ESP0)
USER_STACK_PAGE equ 0x70000         ; one 4-KiB page for the ring-3 stack
USER_STACK_TOP  equ USER_STACK_PAGE + 0x1000
PAGE_DIR        equ 0x30000         ; page directory (4 KiB, 1024 PDEs)
PAGE_TABLE0     equ 0x31000         ; maps 0 - 4 MiB
PAGE_TABLE1     equ 0x32000         ; maps 4 - 8 MiB
ALIAS_BASE      equ 0xC0000000      ; a 4-MiB page here maps physical 0 - 4 MiB again

; ---------------------------------------------------------------- hardware constants
COM1            equ 0x3F8           ; THR/RBR (DLL when LCR.DLAB = 1)
COM1_IER        equ COM1 + 1        ; DLM when LCR.DLAB = 1
COM1_FCR        equ COM1 + 2
COM1_LCR        equ COM1 + 3
COM1_MCR        equ COM1 + 4
COM1_LSR        equ COM1 + 5
LSR_THRE        equ 0x20            ; LSR bit 5: the transmitter can take another byte

PIC1_CMD        equ 0x20
PIC1_DATA       equ 0x21
PIC2_CMD        equ 0xA0
PIC2_DATA       equ 0xA1
PIC_EOI         equ 0x20
PIT_CH0         equ 0x40
PIT_MODE        equ 0x43

KERNEL_CS       equ 0x08
KERNEL_DS       equ 0x10
USER_CS         equ 0x1B            ; GDT entry 3 | RPL 3
USER_DS         equ 0x23            ; GDT entry 4 | RPL 3
KERNEL_SS       equ KERNEL_DS | 1     ; PV: SS must have RPL = CPL, and the kernel runs at ring 1

; ---------------------------------------------------------------- the paravirtual interface (docs/paravirt-abi.md)
SHARED_INFO     equ 0x5000          ; PV: the shared-info page (vcpu_info[0] at its start)
VCPU_MASK       equ SHARED_INFO + 1 ; PV: evtchn_upcall_mask: 1 = events (interrupts) masked
VCPU_CR2        equ SHARED_INFO + 8 ; PV: arch.cr2: the address of the last page fault
HYPERVISOR_set_trap_table equ 0     ; PV: hypercall numbers (EAX), Xen's
HYPERVISOR_mmu_update     equ 1
HYPERVISOR_stack_switch   equ 3
HYPERVISOR_console_io     equ 18
HYPERVISOR_iret           equ 23
HYPERVISOR_mmuext_op      equ 26
HYPERVISOR_sched_op       equ 29
HYPERVISOR_vtlab_port_io  equ 64    ; PV: VT Lab's own (Xen has no port-I/O hypercall)
CONSOLEIO_write equ 0
SCHEDOP_block   equ 1
SCHEDOP_shutdown equ 2
SHUTDOWN_poweroff equ 0
SHUTDOWN_crash  equ 3
MMUEXT_NEW_BASEPTR equ 5
PORTIO_outb     equ 0
DOMID_SELF      equ 0x7FF0

; system-call numbers (EAX at INT 0x80)
SYS_WRITE       equ 1               ; EBX = string, ECX = length
SYS_GET_TICKS   equ 2               ; -> EAX = timer ticks since interrupts were enabled
SYS_SLEEP_TICK  equ 3               ; wait for the next timer tick
SYS_EXIT        equ 4               ; EBX = exit code; does not return

; ==================================================================== boot (ring 0)
start:
        mov     byte [VCPU_MASK], 1         ; PV: cli faults at ring 1; mask events in the shared-info page instead
        mov     esp, KERNEL_STACK
        mov     esi, msg_banner             ; PV: no uart_init: the console is a hypercall
        call    puts

        ; ---- 1. the GDT the VMM gives the domain (PV: lgdt is privileged; its flat selectors are kept)
        jmp     KERNEL_CS:.reload_cs        ; a far jump is the only way to reload CS
.reload_cs:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ax, KERNEL_SS               ; PV: the stack selector with RPL 1
        mov     ss, ax
        mov     esp, KERNEL_STACK

        ; ---- 2. the kernel stack for ring 3 -> ring 1 transitions (PV: ltr is privileged: stack_switch)
        mov     eax, HYPERVISOR_stack_switch ; PV: instead of ltr
        mov     ebx, KERNEL_SS              ; PV
        mov     ecx, KERNEL_STACK           ; PV
        int     0x82                        ; PV
        mov     esi, msg_gdt
        call    puts

        ; ---- 3. the IDT
        call    idt_init
        mov     eax, HYPERVISOR_set_trap_table ; PV: lidt is privileged: register a trap table
        mov     ebx, traps                  ; PV
        int     0x82                        ; PV
        mov     esi, msg_idt
        call    puts

        ; ---- 4. paging
        call    paging_init
        mov     esi, msg_paging
        call    puts
        ; prove the 4-MiB alias: write through 0xC0000000 + x, read back at x
        mov     dword [ALIAS_BASE + alias_probe], 0x600DF00D
        cmp     dword [alias_probe], 0x600DF00D
        jne     .alias_bad
        mov     esi, msg_alias_ok
        call    puts
.alias_bad:

        ; ---- 5. interrupt controller and timer
        call    pic_init
        call    pit_init
        mov     esi, msg_timer
        call    puts

        ; ---- 6. enable interrupts and drop to ring 3
        mov     byte [VCPU_MASK], 0         ; PV: sti -> unmask events (no trap)
        mov     esi, msg_user
        call    puts
        mov     ax, USER_DS                 ; data segments the user may use (DPL 3)
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        push    dword USER_DS               ; SS for ring 3
        push    dword USER_STACK_TOP        ; ESP for ring 3
        push    dword 0x202                 ; EFLAGS: IF = 1 (bit 1 is always 1)
        push    dword USER_CS               ; CS: RPL 3 -> IRET changes CPL to 3
        push    dword user_main             ; EIP
        iretd                               ; the inter-privilege return: pops all five

; The SYS_EXIT system call comes back here, at ring 0 on a fresh kernel stack.
kernel_after_user:
        mov     esi, msg_exited
        call    puts
        mov     eax, [user_exit_code]
        call    put_dec
        call    newline

        ; ---- 7. idle until TICKS_TO_RUN ticks: HLT sleeps until the next interrupt
.idle:
        cmp     dword [ticks], TICKS_TO_RUN
        jae     .done
        mov     eax, HYPERVISOR_sched_op    ; PV: sti; hlt -> sched_op(block), which unmasks events
        mov     ebx, SCHEDOP_block          ; PV:  atomically: no interrupt can slip in between
        int     0x82                        ; PV
        jmp     .idle
.done:
        mov     byte [VCPU_MASK], 1         ; PV: cli
        mov     esi, msg_sum_ticks
        call    puts
        mov     eax, [ticks]
        call    put_dec
        mov     esi, msg_sum_sys
        call    puts
        mov     eax, [syscalls]
        call    put_dec
        mov     esi, msg_sum_halts
        call    puts
        mov     eax, [idle_halts]
        call    put_dec
        call    newline
        mov     esi, msg_bye
        call    puts
        mov     eax, HYPERVISOR_sched_op    ; PV: cli; hlt -> sched_op(shutdown, poweroff): the run ends "poweroff"
        mov     ebx, SCHEDOP_shutdown       ; PV
        mov     ecx, shutdown_poweroff      ; PV
        int     0x82                        ; PV
        jmp     $                           ; PV: (not reached)

; ==================================================================== console (PV: console_io hypercalls, no UART)
; putc: AL = character (PV: one console_io write of one byte; registers preserved)
putc:
        pushad                              ; PV
        mov     [putc_byte], al             ; PV
        mov     eax, HYPERVISOR_console_io  ; PV
        mov     ebx, CONSOLEIO_write        ; PV
        mov     ecx, 1                      ; PV
        mov     edx, putc_byte              ; PV
        int     0x82                        ; PV
        popad                               ; PV
        ret

; puts: ESI = zero-terminated string (PV: one console_io write for the whole string)
puts:
        push    ecx
        xor     ecx, ecx                    ; PV: measure the string
.len:
        cmp     byte [esi + ecx], 0         ; PV
        je      .write                      ; PV
        inc     ecx                         ; PV
        jmp     .len                        ; PV
.write:
        call    write                       ; PV
        pop     ecx
        ret

; write: ESI = string, ECX = length (used by SYS_WRITE; PV: one console_io hypercall)
write:
        pushad                              ; PV
        mov     edx, esi                    ; PV
        mov     eax, HYPERVISOR_console_io  ; PV
        mov     ebx, CONSOLEIO_write        ; PV
        int     0x82                        ; PV
        popad                               ; PV
        ret

; hv_outb: AL = value, DX = port: port I/O through the VMM (PV: out is privileged; registers preserved)
hv_outb:
        pushad                              ; PV
        movzx   ecx, dx                     ; PV
        movzx   edx, al                     ; PV
        mov     ebx, PORTIO_outb            ; PV
        mov     eax, HYPERVISOR_vtlab_port_io ; PV
        int     0x82                        ; PV
        popad                               ; PV
        ret

newline:
        push    eax
        mov     al, 10
        call    putc
        pop     eax
        ret

; put_dec: EAX = unsigned number, printed in decimal
put_dec:
        pushad
        mov     ebx, 10
        xor     ecx, ecx
.divide:
        xor     edx, edx
        div     ebx                         ; EDX = next digit (least significant first)
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

; put_hex: EAX = number, printed as 0x and 8 hex digits
put_hex:
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

; ==================================================================== the trap table (PV: instead of an IDT)
; trap_info (Xen): byte vector, byte flags (bits 1:0 DPL for INT n, bit 2 "mask events on entry"),
; word code selector, dword handler; the table ends with an entry whose handler is 0.
GATE_INT0       equ 4                       ; PV: DPL 0, masks events (what an interrupt gate does to IF)
GATE_TRAP3      equ 3                       ; PV: DPL 3, events stay on (a trap gate)

; set_gate: EAX = vector, EBX = handler, EDX = flags (GATE_*); appends an entry to the trap table
set_gate:
        push    eax
        push    ebx
        push    ecx
        mov     ecx, [trap_count]           ; PV: the next free entry
        lea     ecx, [traps + ecx * 8]      ; PV
        mov     [ecx], al                   ; PV: vector
        mov     [ecx + 1], dl               ; PV: flags
        mov     word [ecx + 2], KERNEL_CS   ; PV: selector
        mov     [ecx + 4], ebx              ; PV: handler
        inc     dword [trap_count]          ; PV
        pop     ecx
        pop     ebx
        pop     eax
        ret

idt_init:
        ; exceptions 0-19: one small stub each (table exception_stubs)
        xor     eax, eax
        mov     edx, GATE_INT0
.exceptions:
        mov     ebx, [exception_stubs + eax * 4]
        call    set_gate
        inc     eax
        cmp     eax, 20
        jb      .exceptions
        ; IRQ0 (the PIT) arrives at vector 0x20 once the PIC is remapped
        mov     eax, 0x20
        mov     ebx, irq0_timer
        call    set_gate
        ; the system-call gate: DPL 3, so INT 0x80 at CPL 3 passes the gate's privilege check
        ; (with DPL 0 it would raise #GP(0x80 * 8 + 2))
        mov     eax, 0x80
        mov     ebx, syscall_entry
        mov     edx, GATE_TRAP3
        call    set_gate
        ret

; ---- exception stubs: push an error code where the CPU does not, then the vector number
exc_00: push    0
        push    0
        jmp     exception_common
exc_01: push    0
        push    1
        jmp     exception_common
exc_02: push    0
        push    2
        jmp     exception_common
exc_03: push    0
        push    3
        jmp     exception_common
exc_04: push    0
        push    4
        jmp     exception_common
exc_05: push    0
        push    5
        jmp     exception_common
exc_06: push    0
        push    6
        jmp     exception_common
exc_07: push    0
        push    7
        jmp     exception_common
exc_08: push    8                           ; #DF: the CPU pushed an error code (0)
        jmp     exception_common
exc_09: push    0
        push    9
        jmp     exception_common
exc_10: push    10                          ; #TS, #NP, #SS, #GP, #PF push error codes
        jmp     exception_common
exc_11: push    11
        jmp     exception_common
exc_12: push    12
        jmp     exception_common
exc_13: push    13
        jmp     exception_common
exc_14: push    14
        jmp     exception_common
exc_15: push    0
        push    15
        jmp     exception_common
exc_16: push    0
        push    16
        jmp     exception_common
exc_17: push    17                          ; #AC pushes an error code
        jmp     exception_common
exc_18: push    0
        push    18
        jmp     exception_common
exc_19: push    0
        push    19
        jmp     exception_common

; Stack here: [esp] vector, [esp+4] error code, [esp+8] EIP, [esp+12] CS, [esp+16] EFLAGS
exception_common:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     esi, msg_exception
        call    puts
        mov     eax, [esp]
        call    put_dec
        mov     esi, msg_error_code
        call    puts
        mov     eax, [esp + 4]
        call    put_hex
        mov     esi, msg_at_eip
        call    puts
        mov     eax, [esp + 8]
        call    put_hex
        cmp     dword [esp], 14
        jne     .no_cr2
        mov     esi, msg_cr2
        call    puts
        mov     eax, [VCPU_CR2]             ; PV: mov from cr2 is privileged: the VMM leaves it in the shared-info page
        call    put_hex
.no_cr2:
        call    newline
        mov     eax, HYPERVISOR_sched_op    ; PV: cli; hlt -> sched_op(shutdown, crash)
        mov     ebx, SCHEDOP_shutdown       ; PV
        mov     ecx, shutdown_crash         ; PV
        int     0x82                        ; PV
        jmp     $                           ; PV: (not reached)

; ==================================================================== timer interrupt (vector 0x20)
irq0_timer:
        push    eax
        push    ds
        mov     ax, KERNEL_DS
        mov     ds, ax
        inc     dword [ticks]
        mov     al, PIC_EOI                 ; end of interrupt: the PIC may deliver IRQ0 again
        push    edx                         ; PV
        mov     dx, PIC1_CMD                ; PV: out PIC1_CMD, al through the VMM
        call    hv_outb                     ; PV
        pop     edx                         ; PV
        pop     ds
        pop     eax
        push    eax                         ; PV: iretd -> the iret hypercall (pops EAX, then the frame) restores
        mov     eax, HYPERVISOR_iret        ; PV:  the event mask from the saved IF with the return
        int     0x82                        ; PV

; ==================================================================== system calls (vector 0x80)
; In: EAX = number, EBX/ECX = arguments. Out: EAX = result (-1 for an unknown number).
; The CPU switched to the kernel stack from TSS.SS0:ESP0 and pushed SS, ESP, EFLAGS, CS, EIP.
syscall_entry:
        push    ds
        push    es
        push    edx
        mov     dx, KERNEL_DS
        mov     ds, dx
        mov     es, dx
        inc     dword [syscalls]
        cmp     eax, SYS_WRITE
        je      .write
        cmp     eax, SYS_GET_TICKS
        je      .get_ticks
        cmp     eax, SYS_SLEEP_TICK
        je      .sleep
        cmp     eax, SYS_EXIT
        je      .exit
        mov     eax, -1
        jmp     .return
.write:
        push    esi
        mov     esi, ebx
        call    write                       ; ESI = string, ECX = length
        pop     esi
        mov     eax, ecx                    ; bytes written
        jmp     .return
.get_ticks:
        mov     eax, [ticks]
        jmp     .return
.sleep:
        mov     edx, [ticks]                ; a trap gate left IF = 1: HLT wakes on the next IRQ0
.sleep_wait:
        inc     dword [idle_halts]
        push    ebx                         ; PV
        mov     eax, HYPERVISOR_sched_op    ; PV: hlt -> sched_op(block)
        mov     ebx, SCHEDOP_block          ; PV
        int     0x82                        ; PV
        pop     ebx                         ; PV
        cmp     edx, [ticks]
        je      .sleep_wait
        xor     eax, eax
        jmp     .return
.exit:
        mov     [user_exit_code], ebx
        mov     esp, KERNEL_STACK           ; forget the user's frame
        jmp     kernel_after_user
.return:
        pop     edx
        pop     es
        pop     ds
        iretd                               ; back to ring 3 (CS.RPL = 3 in the saved frame)

; ==================================================================== paging
; 32-bit paging (SDM Vol. 3A §4.3): CR3 -> page directory (1024 PDEs, each 4 MiB of linear space)
; -> page table (1024 PTEs, each a 4-KiB page). Entry bits: P = 1, R/W = 2, U/S = 4, PS = 0x80 (PDE).
PTE_P           equ 1
PTE_RW          equ 2
PTE_US          equ 4
PDE_PS          equ 0x80

paging_init:
        ; clear the directory and both tables (3 pages)
        mov     edi, PAGE_DIR
        mov     ecx, 3 * 1024
        xor     eax, eax
        cld
        rep stosd
        ; PTEs: identity map 0 - 8 MiB, present and writable, supervisor only
        mov     edi, PAGE_TABLE0            ; PAGE_TABLE1 follows it directly
        mov     eax, PTE_P | PTE_RW
        mov     ecx, 2 * 1024
.pte:
        stosd
        add     eax, 0x1000
        loop    .pte
        ; the ring-3 task's code/data pages and its stack page are user-accessible
        mov     eax, user_begin
.user_pages:
        mov     ebx, eax
        shr     ebx, 12
        or      dword [PAGE_TABLE0 + ebx * 4], PTE_US
        add     eax, 0x1000
        cmp     eax, user_end
        jb      .user_pages
        or      dword [PAGE_TABLE0 + (USER_STACK_PAGE >> 12) * 4], PTE_US
        ; PV: page-table pages may not be mapped writable (the VMM validates every change instead)
        and     dword [PAGE_TABLE0 + (PAGE_DIR >> 12) * 4], ~PTE_RW    ; PV
        and     dword [PAGE_TABLE0 + (PAGE_TABLE0 >> 12) * 4], ~PTE_RW ; PV
        and     dword [PAGE_TABLE0 + (PAGE_TABLE1 >> 12) * 4], ~PTE_RW ; PV
        ; the user-code pages are read-only: with CR0.WP = 1 not even ring 0 may write them
        mov     eax, user_begin
        shr     eax, 12
        and     dword [PAGE_TABLE0 + eax * 4], ~PTE_RW
        ; PDEs: the two tables (U/S = 1 here; the PTE decides), and one 4-MiB page at ALIAS_BASE
        mov     dword [PAGE_DIR + 0 * 4], PAGE_TABLE0 | PTE_P | PTE_RW | PTE_US
        mov     dword [PAGE_DIR + 1 * 4], PAGE_TABLE1 | PTE_P | PTE_RW | PTE_US
        ; PV: mov cr3 is privileged: mmuext_op(NEW_BASEPTR) validates and pins the directory and
        ; switches to it (a paravirtual guest is always paged, with CR0.WP; no CR4/CR0 writes)
        mov     eax, HYPERVISOR_mmuext_op   ; PV
        mov     ebx, op_new_baseptr         ; PV
        mov     ecx, 1                      ; PV
        xor     edx, edx                    ; PV
        mov     esi, DOMID_SELF             ; PV
        int     0x82                        ; PV
        ; PV: the directory is read-only now: the alias PDE goes in through mmu_update, validated
        ; (4-MiB pages are refused, so the alias reuses PAGE_TABLE0: the same 4 MiB)
        mov     eax, HYPERVISOR_mmu_update  ; PV
        mov     ebx, pt_alias_update        ; PV
        mov     ecx, 1                      ; PV
        xor     edx, edx                    ; PV
        mov     esi, DOMID_SELF             ; PV
        int     0x82                        ; PV
        ret

; ==================================================================== PIC and PIT
; 8259A initialisation: ICW1 (edge, cascade, ICW4 needed), ICW2 (vector base), ICW3 (cascade
; wiring: slave on IRQ2), ICW4 (8086 mode). The BIOS default bases 0x08/0x70 would collide with
; CPU exceptions, hence the remap to 0x20/0x28.
pic_init:
        mov     al, 0x11
        mov     dx, PIC1_CMD                ; PV: out PIC1_CMD, al — ICW1
        call    hv_outb                     ; PV
        mov     dx, PIC2_CMD                ; PV: out PIC2_CMD, al
        call    hv_outb                     ; PV
        mov     al, 0x20
        mov     dx, PIC1_DATA               ; PV: out PIC1_DATA, al — ICW2: master IRQ0-7 -> vectors 0x20-0x27
        call    hv_outb                     ; PV
        mov     al, 0x28
        mov     dx, PIC2_DATA               ; PV: out PIC2_DATA, al — ICW2: slave IRQ8-15 -> vectors 0x28-0x2F
        call    hv_outb                     ; PV
        mov     al, 0x04
        mov     dx, PIC1_DATA               ; PV: out PIC1_DATA, al — ICW3: a slave on IRQ2
        call    hv_outb                     ; PV
        mov     al, 0x02
        mov     dx, PIC2_DATA               ; PV: out PIC2_DATA, al — ICW3: slave identity 2
        call    hv_outb                     ; PV
        mov     al, 0x01
        mov     dx, PIC1_DATA               ; PV: out PIC1_DATA, al — ICW4: 8086/88 mode
        call    hv_outb                     ; PV
        mov     dx, PIC2_DATA               ; PV: out PIC2_DATA, al
        call    hv_outb                     ; PV
        mov     al, 0xFE
        mov     dx, PIC1_DATA               ; PV: out PIC1_DATA, al — OCW1: mask everything but IRQ0
        call    hv_outb                     ; PV
        mov     al, 0xFF
        mov     dx, PIC2_DATA               ; PV: out PIC2_DATA, al
        call    hv_outb                     ; PV
        ret

; 8254: control word 0x34 = channel 0, access lobyte/hibyte, mode 2 (rate generator), binary.
pit_init:
        mov     al, 0x34
        mov     dx, PIT_MODE                ; PV: out PIT_MODE, al
        call    hv_outb                     ; PV
        mov     al, PIT_DIVISOR & 0xFF
        mov     dx, PIT_CH0                 ; PV: out PIT_CH0, al
        call    hv_outb                     ; PV
        mov     al, PIT_DIVISOR >> 8
        mov     dx, PIT_CH0                 ; PV: out PIT_CH0, al
        call    hv_outb                     ; PV
        ret

; ==================================================================== kernel data
; PV: no GDT, TSS or IDT of our own: the hypercalls' arguments instead
op_new_baseptr:                             ; PV: struct mmuext_op { cmd, arg1 = frame number, arg2 }
        dd      MMUEXT_NEW_BASEPTR, PAGE_DIR >> 12, 0
pt_alias_update:                            ; PV: struct mmu_update { u64 ptr, u64 val }
        dd      PAGE_DIR + (ALIAS_BASE >> 22) * 4, 0, PAGE_TABLE0 | PTE_P | PTE_RW, 0
shutdown_poweroff: dd SHUTDOWN_poweroff     ; PV: struct sched_shutdown
shutdown_crash: dd SHUTDOWN_crash           ; PV
trap_count:     dd 0                        ; PV: entries in the trap table
putc_byte:      db 0                        ; PV: putc's one-byte buffer

exception_stubs:
        dd      exc_00, exc_01, exc_02, exc_03, exc_04, exc_05, exc_06, exc_07, exc_08, exc_09
        dd      exc_10, exc_11, exc_12, exc_13, exc_14, exc_15, exc_16, exc_17, exc_18, exc_19

ticks:          dd 0                        ; timer interrupts taken
syscalls:       dd 0                        ; INT 0x80 calls taken
idle_halts:     dd 0                        ; HLTs executed inside SYS_SLEEP_TICK
user_exit_code: dd 0
alias_probe:    dd 0

hex_digits:     db "0123456789ABCDEF"
msg_banner:     db "VT Lab kernel booting", 10, 0
msg_gdt:        db "  kernel stack registered with the VMM (stack_switch)", 10, 0 ; PV: no GDT/TR of its own
msg_idt:        db "  IDT loaded: exceptions 0-19, timer 0x20, system call 0x80 (DPL 3)", 10, 0
msg_paging:     db "  paging on: 8 MiB identity-mapped with 4-KiB pages, CR0.WP = 1", 10, 0
msg_alias_ok:   db "  4-MiB region at 0xC0000000 aliases physical 0: OK", 10, 0 ; PV: a page table, not a 4-MiB page
msg_timer:      db "  PIC remapped to 0x20/0x28, PIT at 100 Hz", 10, 0
msg_user:       db "interrupts on; entering ring 3", 10, 0
msg_exited:     db "user task exited with code ", 0
msg_sum_ticks:  db "summary: timer ticks = ", 0
msg_sum_sys:    db ", system calls = ", 0
msg_sum_halts:  db ", sleep HLTs = ", 0
msg_bye:        db "kernel halted", 10, 0
msg_exception:  db "EXCEPTION vector ", 0
msg_error_code: db ", error code ", 0
msg_at_eip:     db " at EIP ", 0
msg_cr2:        db ", CR2 ", 0

; the trap table: filled by idt_init, ended by a zero entry (PV: instead of the IDT)
        align   8
traps:
        times 32 dq 0

; ==================================================================== the ring-3 task
; Everything from user_begin to user_end lives in pages with U/S = 1; the first page is read-only.
        align   4096
user_begin:
user_main:
        mov     ebx, msg_u_hello
        mov     ecx, msg_u_hello_len
        mov     eax, SYS_WRITE
        int     0x80
        mov     ebx, msg_u_cpl
        mov     ecx, msg_u_cpl_len
        mov     eax, SYS_WRITE
        int     0x80

        mov     esi, USER_SLEEPS            ; sleep for a tick, then report the tick count
.again:
        mov     eax, SYS_SLEEP_TICK
        int     0x80
        mov     eax, SYS_GET_TICKS
        int     0x80
        mov     edi, u_line_number          ; "ticks = N" with N formatted here, at ring 3
        call    u_format_dec
        mov     ebx, msg_u_ticks
        mov     ecx, edi
        sub     ecx, ebx                    ; length = end of the number - start of the line
        mov     byte [edi], 10
        inc     ecx
        mov     eax, SYS_WRITE
        int     0x80
        dec     esi
        jnz     .again

        mov     eax, USER_FAULT_DEMO
        test    eax, eax
        jz      .no_fault_demo
        hlt                                 ; CPL 3 > 0: general-protection fault #GP(0)
.no_fault_demo:
        mov     ebx, msg_u_bye
        mov     ecx, msg_u_bye_len
        mov     eax, SYS_WRITE
        int     0x80
        mov     eax, SYS_EXIT
        mov     ebx, 0
        int     0x80
        jmp     $                           ; (not reached)

; u_format_dec: EAX = number -> decimal digits at EDI, EDI advanced past them
u_format_dec:
        push    eax
        push    ebx
        push    ecx
        push    edx
        mov     ebx, 10
        xor     ecx, ecx
.divide:
        xor     edx, edx
        div     ebx
        push    edx
        inc     ecx
        test    eax, eax
        jnz     .divide
.store:
        pop     eax
        add     al, '0'
        mov     [edi], al
        inc     edi
        loop    .store
        pop     edx
        pop     ecx
        pop     ebx
        pop     eax
        ret

msg_u_hello:    db "[ring 3] hello from user mode", 10
msg_u_hello_len equ $ - msg_u_hello
msg_u_cpl:      db "[ring 3] CS = 0x1B: CPL 3, system calls through INT 0x80", 10
msg_u_cpl_len   equ $ - msg_u_cpl
msg_u_bye:      db "[ring 3] done, calling exit", 10
msg_u_bye_len   equ $ - msg_u_bye

; writable user data: its own page (the code page above is read-only)
        align   4096
msg_u_ticks:    db "[ring 3] ticks = "
u_line_number:  times 16 db 0
user_end:
