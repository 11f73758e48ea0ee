; @mode guest
;
; pagefault-heavy.s — demand paging and address-space switches: the workload shadow paging hates.
;
; The guest runs its own demand pager. The region DEMAND_BASE .. + PAGES pages starts unmapped;
; the first touch of each page is a page fault, and the #PF handler maps the page and returns
; (the faulting instruction then runs again). Then, ROUNDS times, the guest
;   - "evicts" every page (clears its PTE and flushes it from the TLB with INVLPG),
;   - touches every page again (a page fault each, mapped again by the handler),
;   - reloads CR3, as a context switch does.
;
; Exit profile:
;   - xeon-lv, xeon-5100 (no EPT, shadow paging): every guest page fault is intercepted (reason 0)
;     and reflected into the guest, the retry faults again until the VMM fills its shadow entry
;     (reason 0 again), every INVLPG exits (reason 14) and every MOV to CR3 exits (reason 28) and
;     empties the shadow page tables.
;   - nehalem, modern (EPT): page faults, INVLPG and MOV to CR3 all stay inside the guest. The only
;     exits are EPT violations (reason 48) the first time each guest-physical page is touched.

PAGES           equ 64              ; pages in the demand-paged region
ROUNDS          equ 3               ; evict / re-touch / CR3-reload rounds
DEMAND_BASE     equ 0x400000        ; 4 MiB: the region starts unmapped
IDT             equ 0x3000
PAGE_DIR        equ 0x30000
PT_LOW          equ 0x31000         ; maps 0 - 4 MiB 1:1 (code, stack, tables)
PT_DEMAND       equ 0x32000         ; maps 4 - 8 MiB, filled on demand
COM1            equ 0x3F8

start:
        ; ---- IDT[14] (#PF) -> pf_handler, 32-bit interrupt gate
        mov     eax, pf_handler
        mov     [IDT + 14 * 8 + 0], ax
        mov     word [IDT + 14 * 8 + 2], 0x08
        mov     word [IDT + 14 * 8 + 4], 0x8E00
        shr     eax, 16
        mov     [IDT + 14 * 8 + 6], ax
        lidt    [idt_descriptor]

        ; ---- page tables: 0-4 MiB identity-mapped, 4-8 MiB empty (the demand pager fills it)
        cld
        mov     edi, PAGE_DIR
        mov     ecx, 3 * 1024
        xor     eax, eax
        rep stosd                   ; clear directory and both tables
        mov     edi, PT_LOW
        mov     eax, 0x003          ; P | RW
        mov     ecx, 1024
.identity:
        stosd
        add     eax, 0x1000
        loop    .identity
        mov     dword [PAGE_DIR + 0], PT_LOW | 0x03
        mov     dword [PAGE_DIR + 4], PT_DEMAND | 0x03

        ; ---- paging on (CR0.WP too, as every modern kernel does)
        mov     eax, PAGE_DIR
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80010000
        mov     cr0, eax
        call    warm_delivery_pages

workload_begin:
        ; ---- phase 1: first touch of every page -> one page fault each
        call    touch_all
        ; ---- phase 2: evict, re-touch, context switch
        mov     esi, ROUNDS
.round:
        mov     edi, DEMAND_BASE
        mov     ecx, PAGES
.evict:
        mov     ebx, edi
        shr     ebx, 12
        and     ebx, 0x3FF
        mov     dword [PT_DEMAND + ebx * 4], 0  ; not present any more...
        invlpg  [edi]                           ; ...and not in the TLB either
        add     edi, 0x1000
        loop    .evict
        call    touch_all
        mov     eax, cr3                        ; a context switch reloads CR3
        mov     cr3, eax
        call    warm_delivery_pages
        dec     esi
        jnz     .round
workload_end:

        ; ---- report: page faults taken, and the checksum of the data (it must survive eviction)
        mov     esi, msg_faults
        call    puts
        mov     eax, [faults]
        call    put_dec
        mov     esi, msg_sum
        call    puts
        mov     eax, [checksum]
        call    put_dec
        mov     al, 10
        call    putc
        cli
        hlt

; touch_all: add 1 to the first dword of every page, and sum what was there
touch_all:
        mov     edi, DEMAND_BASE
        mov     ecx, PAGES
        xor     edx, edx
.touch:
        mov     eax, [edi]          ; a page fault if the page is not mapped
        add     edx, eax
        inc     dword [edi]
        add     edi, 0x1000
        loop    .touch
        mov     [checksum], edx
        ret

; warm_delivery_pages: read the IDT gate, the GDT's code descriptor and the stack, the memory the
; processor uses to deliver a page fault. Architecturally a no-op. (It works around an emulator
; bug: under shadow paging, a page fault raised while the VMM's reflected #PF is being delivered
; must be a VM exit, but currently becomes a double fault. Touching these pages first makes the
; VMM fill its shadow entries for them before any #PF is reflected.)
warm_delivery_pages:
        mov     eax, [IDT + 14 * 8]
        mov     eax, [0x1000 + 0x08]        ; GDT entry 1: the kernel code segment
        push    eax                         ; (CALL already wrote the stack; one more for clarity)
        pop     eax
        ret

; #PF handler: CR2 = the faulting linear address, the error code is on the stack
pf_handler:
        push    eax
        push    ebx
        mov     eax, cr2
        cmp     eax, DEMAND_BASE
        jb      .bad
        cmp     eax, DEMAND_BASE + PAGES * 0x1000
        jae     .bad
        mov     ebx, eax
        shr     ebx, 12
        and     ebx, 0x3FF                  ; PTE index in PT_DEMAND
        and     eax, 0xFFFFF000
        or      eax, 0x03                   ; map the page 1:1, present and writable
        mov     [PT_DEMAND + ebx * 4], eax
        inc     dword [faults]
        pop     ebx
        pop     eax
        add     esp, 4                      ; drop the error code
        iretd                               ; retry the faulting instruction
.bad:
        mov     esi, msg_bad
        call    puts
        cli
        hlt

putc:
        push    edx
        push    eax
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20
        jz      .wait
        pop     eax
        mov     dx, COM1
        out     dx, al
        pop     edx
        ret
puts:
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
put_dec:                            ; EAX = unsigned number
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

idt_descriptor:
        dw      15 * 8 - 1
        dd      IDT
msg_faults:     db "guest page faults handled: ", 0
msg_sum:        db ", checksum ", 0
msg_bad:        db "page fault outside the demand region", 10, 0
        align   4096                ; data on its own page
faults:         dd 0
checksum:       dd 0
