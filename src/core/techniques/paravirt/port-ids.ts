/**
 * Scenario id → file of its paravirtual port in guest/paravirt/ (ports.ts has the texts). Apart from the texts
 * so the UI can ask whether a preset has a port without loading them.
 */
export const PV_PORTS: Readonly<Record<string, string>> = { kernel: 'kernel-pv.s' };
