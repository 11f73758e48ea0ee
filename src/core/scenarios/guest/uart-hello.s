; @mode guest
;
; uart-hello.s — "Hello" through the 16550 UART at COM1 (port 0x3F8), the way firmware and early
; kernels print before they have any driver.
;
; Every IN and OUT below is a VM exit in guest mode (reason 30, "I/O instruction"): the VMM's I/O
; bitmaps trap every port, and its handler forwards the access to the VM's emulated UART. The exit
; qualification tells the VMM the port (bits 31:16), the size (bits 2:0) and the direction (bit 3).
; Count the exits: about two per character (one IN to poll LSR, one OUT to THR) plus the set-up.
; On the bare machine the same instructions reach the device directly: no exits at all.

COM1            equ 0x3F8           ; THR (write) / RBR (read); DLL while LCR.DLAB = 1
COM1_IER        equ COM1 + 1        ; interrupt enable; DLM while LCR.DLAB = 1
COM1_LCR        equ COM1 + 3        ; line control
COM1_MCR        equ COM1 + 4        ; modem control
COM1_LSR        equ COM1 + 5        ; line status: bit 5 = THR empty
BAUD_DIVISOR    equ 1               ; 115200 baud = 1.8432 MHz / (16 * 1)

start:
        ; ---- programme the line: 115200 baud, 8 data bits, no parity, 1 stop bit
        mov     dx, COM1_IER
        mov     al, 0               ; no UART interrupts: this program polls
        out     dx, al
        mov     dx, COM1_LCR
        mov     al, 0x80            ; DLAB = 1: COM1 and COM1+1 now address the divisor latch
        out     dx, al
        mov     dx, COM1
        mov     al, BAUD_DIVISOR & 0xFF
        out     dx, al
        mov     dx, COM1_IER
        mov     al, BAUD_DIVISOR >> 8
        out     dx, al
        mov     dx, COM1_LCR
        mov     al, 0x03            ; DLAB = 0, 8N1
        out     dx, al
        mov     dx, COM1_MCR
        mov     al, 0x03            ; DTR and RTS: "ready"
        out     dx, al

        ; ---- print the message
        mov     esi, message
.next:
        lodsb                       ; AL = [ESI], ESI += 1
        test    al, al
        jz      .done
        mov     ah, al              ; keep the character while AL polls the status
        mov     dx, COM1_LSR
.wait:
        in      al, dx              ; LSR
        test    al, 0x20            ; bit 5: transmitter holding register empty?
        jz      .wait
        mov     al, ah
        mov     dx, COM1
        out     dx, al              ; THR: the character goes out on the line
        jmp     .next
.done:
        cli
        hlt                         ; IF = 0: the program ends here ("halted")

message:
        db      "Hello from the guest, through an emulated 16550 UART!", 10, 0
