/** The guest-escape attempts as data (names and what each tries), apart from the runs so the UI can list them cheaply. */
export type EscapeId = 'memory' | 'page-tables' | 'interrupts' | 'console';
export const ESCAPE_IDS: readonly EscapeId[] = ['memory', 'page-tables', 'interrupts', 'console'];

export const ESCAPE_INFO: Readonly<Record<EscapeId, { title: string; tries: string }>> = {
  memory: { title: "Write another VM's memory", tries: "stores a value at the victim's host-physical address (the guest knows where the victim lives and addresses it directly)" },
  'page-tables': {
    title: "Reprogram the VMM's page tables",
    tries: "builds its own page tables mapping a page onto the host-physical address of the VMM's EPT root (or shadow page directory), fills it with entries granting access to all memory, loads CR3, then writes the victim's memory through them",
  },
  interrupts: { title: 'Disable interrupts for the host', tries: 'executes CLI and spins forever, hoping the host never gets the processor back' },
  console: { title: "Reach another VM's console", tries: "writes to the serial port (COM1, port 0x3F8) and to the paravirtual console, hoping its text lands on the victim's console or the host's" },
};

