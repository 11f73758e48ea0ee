/**
 * Console text is reported a line at a time (at each line feed, or when a run ends), so the line being
 * transmitted is buffered. A guest that writes characters forever without a line feed (a progress bar, a
 * spinner, random bytes) would grow that buffer without end — and every timeline snapshot copies it. Once the
 * unfinished line reaches this length it is reported as it stands and the buffer starts again: the console shows
 * the same text (the pieces join up), only in more than one event.
 *
 * 4096 characters is an engineering bound, not a hardware figure: a 16550 UART has no notion of lines at all
 * (it transmits bytes, PC16550D data sheet §8), so any bound is the emulator's own; it is far longer than any
 * line a lab program prints (80-column terminals) and small enough to keep every snapshot small.
 */
export const CONSOLE_LINE_MAX = 4096;
