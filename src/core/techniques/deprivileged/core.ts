/**
 * What the VMM's emulation and reflection code needs from the VMM (implemented by TrapAndEmulateVmm).
 */
import type { Cpu } from '../../x86/cpu.ts';
import type { PhysicalMemory } from '../../x86/physical-memory.ts';
import type { Desc } from './descriptors.ts';
import type { GuestAccess } from './guest-access.ts';
import type { VirtualCpu } from './state.ts';

export interface VmmCore {
  readonly cpu: Cpu;
  readonly mem: PhysicalMemory;
  readonly g: GuestAccess;
  /** The guest's virtual processor state. */
  readonly v: VirtualCpu;
  /** The guest's privilege level as it believes it to be (real CPL 1 is its ring 0). */
  vcpl(): number;
  /** EFLAGS as the guest should see them: real flags with the virtual IF and IOPL. */
  virtualEflags(): number;
  /** A selector as the guest should see it: RPL 1 (the compressed ring 0) shown as RPL 0. */
  virtualSelector(sel: number): number;
  /** Keeps the real TSS's ring-1 stack (SS1:ESP1) equal to the guest's ring-0 stack. */
  syncRing1Stack(guestSs0: number, esp0: number): void;
  /** The guest triple-faulted: stop it. */
  guestTripleFault(): void;
  /** MOV to CR0/CR3/CR4 and the other CR0 writers, on the virtual registers (may raise a guest #GP). */
  setGuestCr0(value: number): void;
  setGuestCr3(value: number): void;
  setGuestCr4(value: number): void;
  /** Rebuilds the shadow GDT from the guest's GDTR (LGDT). */
  guestGdtChanged(): void;
  /** Copies one changed descriptor of the guest's GDT into the shadow (LTR marking the TSS busy). */
  guestDescriptorChanged(sel: number): void;
  /** Loads the guest's LDT (LLDT; a null selector unloads it). */
  guestLdtChanged(): void;
  /** INVLPG: drops the shadow and TLB entries of a page. */
  invalidatePage(lin: number): void;
  /**
   * Optional: the gate descriptor reflection uses for `vector`, instead of reading the guest's virtual IDT. A
   * paravirtual VMM (../paravirt) answers from the trap table the guest registered with a hypercall; false =
   * no gate (reflected as #GP, as a vector beyond the IDT limit is).
   */
  readGuestGate?(vector: number, out: Desc): boolean;
}
