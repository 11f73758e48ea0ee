; @mode guest
;
; cr3-write.s — two address spaces, switched by writing CR3.
;
; Each "process" has its own page directory. Both map the first 8 MiB 1:1 with two 4-MiB pages
; (CR4.PSE), and both map the linear page PRIVATE (0xC0000000) through a 4-KiB page table, but to
; different physical pages. Writing CR3 switches between them (and flushes the non-global TLB
; entries), so the same linear address reaches different memory.
;
; Under VT-x the cost of MOV to CR3 depends on how the VMM virtualizes memory:
;   - xeon-lv, xeon-5100 (no EPT): shadow paging. Every MOV to/from CR3 exits (reason 28, "control-
;     register access"): the VMM must switch (here: empty) its shadow page tables, and then takes a
;     #PF exit (reason 0) for each page touched again.
;   - nehalem, modern (EPT): once the guest's paging is on, CR3 belongs to the guest: no exits.
;     (nehalem has no "unrestricted guest", so while the guest's paging is still off the VMM keeps
;     CR3 to itself and the first MOV to CR3 below exits.)

SWITCHES        equ 8               ; CR3 switches in the main loop
PD_A            equ 0x30000         ; page directory of process A
PD_B            equ 0x31000         ; page directory of process B
PT_A            equ 0x32000         ; page table for 0xC0000000 in A
PT_B            equ 0x33000         ; page table for 0xC0000000 in B
PAGE_A          equ 0x500000        ; A's private page (physical)
PAGE_B          equ 0x501000        ; B's private page (physical)
PRIVATE         equ 0xC0000000      ; the same linear address in both processes
COM1            equ 0x3F8

start:
        ; ---- build both directories: PDE 0 and 1 = 4-MiB pages (PS = 0x80 | RW | P)
        mov     dword [PD_A + 0], 0x000000 | 0x83
        mov     dword [PD_A + 4], 0x400000 | 0x83
        mov     dword [PD_B + 0], 0x000000 | 0x83
        mov     dword [PD_B + 4], 0x400000 | 0x83
        ; PDE 0x300 (linear 0xC0000000) -> a page table; its PTE 0 -> the private page
        mov     dword [PD_A + (PRIVATE >> 22) * 4], PT_A | 0x03
        mov     dword [PD_B + (PRIVATE >> 22) * 4], PT_B | 0x03
        mov     dword [PT_A], PAGE_A | 0x03
        mov     dword [PT_B], PAGE_B | 0x03

        ; ---- paging on, in address space A
        mov     eax, cr4
        or      eax, 0x10           ; CR4.PSE: 4-MiB pages
        mov     cr4, eax
        mov     eax, PD_A
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000     ; CR0.PG
        mov     cr0, eax
paging_on:

        ; ---- each process writes its name at PRIVATE
        mov     dword [PRIVATE], 'AAAA'
        mov     eax, PD_B
        mov     cr3, eax            ; switch to B
        mov     dword [PRIVATE], 'BBBB'

        ; ---- switch back and forth; count what each process sees
        mov     ecx, SWITCHES
.switch:
        mov     eax, PD_A
        mov     cr3, eax
        cmp     dword [PRIVATE], 'AAAA'
        jne     .wrong
        mov     eax, PD_B
        mov     cr3, eax
        cmp     dword [PRIVATE], 'BBBB'
        jne     .wrong
        loop    .switch
        mov     eax, cr3            ; MOV from CR3: also an exit under shadow paging
        cmp     eax, PD_B
        jne     .wrong
        mov     esi, msg_ok
        jmp     .print
.wrong:
        mov     esi, msg_wrong
.print:
        lodsb
        test    al, al
        jz      .done
        mov     ah, al
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20            ; LSR.THRE
        jz      .wait
        mov     al, ah
        mov     dx, COM1
        out     dx, al
        jmp     .print
.done:
        cli
        hlt

msg_ok:         db "0xC0000000 holds AAAA in process A and BBBB in process B", 10, 0
msg_wrong:      db "address-space switch FAILED", 10, 0
