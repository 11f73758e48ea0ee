; @mode guest
;
; ept-violation.s — guest-physical memory appears on first touch.
;
; The built-in VMM fills its EPT tables lazily: a guest-physical page is mapped only when the guest
; first touches it. That first access is an EPT violation (exit reason 48); the exit qualification
; says whether it was a read, write or instruction fetch, and GUEST_PHYSICAL_ADDRESS which page. The
; VMM maps the page and resumes the guest at the same instruction, which now succeeds. A second
; touch of the same page costs nothing.
; CPUs without EPT (xeon-lv, xeon-5100) show no reason-48 exits: the VMM maps all guest memory in
; its shadow page tables up front while the guest's paging is off.
;
; Set TOUCH_BEYOND_RAM to 1 to read guest-physical 9 MiB, past this VM's 8 MiB: the VMM cannot map
; it and stops the VM.

PAGES           equ 16              ; pages to touch, PAGE_STRIDE apart
FIRST_PAGE      equ 0x200000        ; guest-physical 2 MiB
PAGE_STRIDE     equ 0x11000         ; 68 KiB: a new page each time
TOUCH_BEYOND_RAM equ 0              ; 1: touch guest-physical 0x900000 (outside guest RAM)
COM1            equ 0x3F8

start:
        ; ---- first touch: one EPT violation per page (a write: qualification bit 1)
        mov     edi, FIRST_PAGE
        mov     ecx, PAGES
first_touch:
        mov     [edi], ecx
        add     edi, PAGE_STRIDE
        loop    first_touch
first_touch_end:

        ; ---- second touch: the pages are mapped now, no exits
        mov     edi, FIRST_PAGE
        mov     ecx, PAGES
        xor     ebx, ebx
second_touch:
        add     ebx, [edi]
        add     edi, PAGE_STRIDE
        loop    second_touch
second_touch_end:
        cmp     ebx, PAGES * (PAGES + 1) / 2    ; the values written: PAGES, PAGES - 1, ..., 1
        jne     .wrong

        mov     eax, TOUCH_BEYOND_RAM
        test    eax, eax
        jz      .report
        mov     eax, [0x900000]     ; outside the VM's memory: the VMM stops the VM
.report:
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
        test    al, 0x20
        jz      .wait
        mov     al, ah
        mov     dx, COM1
        out     dx, al
        jmp     .print
.done:
        cli
        hlt

msg_ok:         db "16 fresh pages written, then read back", 10, 0
msg_wrong:      db "memory read back WRONG", 10, 0
