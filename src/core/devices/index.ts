/** Legacy PC devices: the port bus, 8259A PIC pair, 8254 PIT and 16550A UART, and their PC wiring. */
export * from './types.ts';
export * from './clock.ts';
export * from './port-bus.ts';
export * from './pic.ts';
export * from './pit.ts';
export * from './uart16550.ts';
export * from './legacy-pc.ts';
