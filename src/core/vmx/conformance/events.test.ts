/**
 * Events in VMX non-root operation (SDM Vol. 3C §25.2 "Other causes of VM exits", §27.1 architectural state
 * before a VM exit, §27.2.2–27.2.4 interruption and IDT-vectoring information): the exception bitmap with
 * the #PF error-code mask/match, VM-exit interruption information (#GP 0x80000B0D, #PF 0x80000B0E, #UD
 * 0x80000306, INT3 0x80000603), IDT-vectoring information, triple fault (2), external interrupts from the
 * bare machine's PIT/PIC with and without "acknowledge interrupt on exit", interrupt-window (7) and
 * NMI-window (8) exiting, the VMX-preemption timer (52) and the monitor trap flag (37).
 */
import { describe, expect, it } from 'vitest';
import {
  F,
  GUEST_IDT_FIELDS,
  GUEST_IDT_SETUP,
  IDENTITY_EPT_SETUP,
  ISR_TABLE,
  MEM,
  MODELS,
  STACK_HANDLER,
  VMXON_PREAMBLE,
  hvSource,
  model,
  runHv,
  runMachine,
  supports,
  vmr,
  type HvOptions,
  type ModelId,
  type RunResult,
} from './harness.ts';

const hv = (cpu: ModelId, o: Omit<HvOptions, 'cpu'>): RunResult => runHv({ cpu, ...o });
const reasons = (r: RunResult): number[] => r.exits.map((e) => e.reason as number);
const withIdt = (o: Omit<HvOptions, 'cpu'>): Omit<HvOptions, 'cpu'> => ({
  ...o,
  setup: GUEST_IDT_SETUP + (o.setup ?? ''),
  data: ISR_TABLE + (o.data ?? ''),
  fields: [...GUEST_IDT_FIELDS, ...(o.fields ?? [])],
});
/** Unmaps 12–16 MiB in the shared page directory (the guest uses the host's paging). */
const UNMAP_12M = '  mov dword [0x2000 + 4*3], 0\n';

describe.each(MODELS)('Exception bitmap and VM-exit interruption information (SDM §25.2, Table 24-15) on %s', (cpu) => {
  it('#UD (UD2) → reason 0, 0x80000306', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 6]], guest: '  ud2' });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000306);
    expect(Number(r.exits[0].qualification)).toBe(0);
    expect(r.read('GUEST_RIP')).toBe(Number(r.exits[0].guestEip));
  });
  it('#GP with its error code → 0x80000B0D and the error code field', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov ax, 0x1234\n  mov ds, ax' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
    expect(r.read('VM_EXIT_INTR_ERROR_CODE')).toBe(0x1234); // TI = 1: the selector with RPL cleared
  });
  it('#PF → 0x80000B0E, error code, qualification = linear address, CR2 unchanged', () => {
    const r = hv(cpu, {
      setup: UNMAP_12M,
      fields: [['EXCEPTION_BITMAP', 1 << 14]],
      guest: '  mov eax, cr2\n  mov esi, eax\n  mov dword [0xc00010], 1',
      handler: vmr('VM_EXIT_INTR_INFO') + vmr('VM_EXIT_INTR_ERROR_CODE') + vmr('EXIT_QUALIFICATION') + '  mov eax, cr2\n  hlt',
    });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0e);
    expect(r.read('VM_EXIT_INTR_ERROR_CODE')).toBe(2);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0xc00010);
    expect(r.reg('eax')).toBe(r.reg('esi'));
  });
  it('INT3 (CC) → software exception 0x80000603, instruction length 1', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 3]], guest: '  int3' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000603);
    expect(r.exits[0].instructionLength).toBe(1);
    expect(r.read('VM_EXIT_INSTRUCTION_LEN')).toBe(1);
  });
  it('INT1 (ICEBP, F1) → privileged software exception 0x80000501, length 1', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 1]], guest: '  db 0xf1' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000501);
    expect(r.exits[0].instructionLength).toBe(1);
  });
  it('INTO with OF = 1 → 0x80000604, length 1; BOUND out of range → #BR 0x80000305', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 4]], guest: '  mov al, 0x7f\n  add al, 1\n  into' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000604);
    expect(r.exits[0].instructionLength).toBe(1);
    const b = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 5]], guest: '  mov eax, 5\n  bound eax, [bnd]', data: 'bnd: dd 0, 3' });
    expect(b.read('VM_EXIT_INTR_INFO')).toBe(0x80000305);
  });
  it('INT n (CD nn, including INT 3 encoded as CD 03) is not an exception: no bitmap exit, delivered through the IDT', () => {
    const r = hv(cpu, withIdt({ fields: [['EXCEPTION_BITMAP', 0xffffffff]], guest: '  int 3', handler: STACK_HANDLER }));
    expect(reasons(r)).toEqual([10]);
    expect(r.reg('ecx')).toBe(3);
  });
  it('#DE, #NM, #DB (single step, qualification BS) exit with their vectors', () => {
    expect(hv(cpu, { fields: [['EXCEPTION_BITMAP', 1]], guest: '  xor ecx, ecx\n  div ecx' }).read('VM_EXIT_INTR_INFO')).toBe(0x80000300);
    expect(hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 7], ['GUEST_CR0', 0x8000003b]], guest: '  fwait' }).read('VM_EXIT_INTR_INFO')).toBe(0x80000307);
    const db = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 1]], guest: '  pushfd\n  or dword [esp], 0x100\n  popfd\n  nop\n  nop' });
    expect(db.read('VM_EXIT_INTR_INFO')).toBe(0x80000301);
    expect(db.read('EXIT_QUALIFICATION')! & 0x4000).toBe(0x4000);
  });
  it('exceptions whose bit is clear are delivered through the guest IDT', () => {
    const r = hv(cpu, withIdt({ fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  ud2', handler: STACK_HANDLER }));
    expect(reasons(r)).toEqual([10]);
    expect(r.reg('ecx')).toBe(6);
  });
  it('#PF error-code mask/match (SDM §25.2): bit 14 = 1 exits iff (PFEC & MASK) = MATCH; bit 14 = 0 exits iff not', () => {
    // Not-present write at CPL 0: PFEC = 2.
    const pf = (bit: boolean, mask: number, match: number) =>
      reasons(
        hv(
          cpu,
          withIdt({
            setup: UNMAP_12M,
            fields: [['EXCEPTION_BITMAP', bit ? 1 << 14 : 0], ['PAGE_FAULT_ERROR_CODE_MASK', mask], ['PAGE_FAULT_ERROR_CODE_MATCH', match]],
            guest: '  mov dword [0xc00000], 1',
            handler: '  hlt',
          }),
        ),
      );
    expect(pf(true, 0, 0)).toEqual([0]);
    expect(pf(true, 2, 2)).toEqual([0]);
    expect(pf(true, 1, 1)).toEqual([10]);
    expect(pf(true, 0, 1)).toEqual([10]);
    expect(pf(false, 0, 0)).toEqual([10]);
    expect(pf(false, 0, 1)).toEqual([0]);
    expect(pf(false, 2, 0)).toEqual([0]);
    expect(pf(false, 2, 2)).toEqual([10]);
  });
  it('a fault during event delivery: IDT-vectoring information and error code (KUT idt-vectoring)', () => {
    // INT 0x40 through a not-present gate: #NP(0x40 << 3 | 2) during delivery of the software interrupt.
    const r = hv(
      cpu,
      withIdt({
        setup: `  and dword [${MEM.GUEST_IDT + 0x40 * 8 + 4}], ~0x8000\n`,
        fields: [['EXCEPTION_BITMAP', 1 << 11]],
        guest: '  int 0x40',
      }),
    );
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0b);
    expect(r.read('VM_EXIT_INTR_ERROR_CODE')).toBe((0x40 << 3) | 2);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000440);
    // The instruction length of the software interrupt being delivered (SDM §27.2.4).
    expect(r.read('VM_EXIT_INSTRUCTION_LEN')).toBe(2);
  });
  it('IDT-vectoring of a hardware exception with an error code (#PF while delivering #GP: handled serially)', () => {
    const r = hv(cpu, {
      setup: UNMAP_12M,
      fields: [['EXCEPTION_BITMAP', 1 << 14], ['GUEST_IDTR_BASE', 0xc00000], ['GUEST_IDTR_LIMIT', 0x7ff]],
      guest: '  mov ax, 0x1234\n  mov ds, ax',
    });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0e);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0xc00000 + 13 * 8);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000b0d);
    expect(r.read('IDT_VECTORING_ERROR_CODE')).toBe(0x1234);
  });
  // SDM Vol. 3C §27.2.3: "a fault occurs during event delivery and causes a VM exit because its bit is set in
  // the exception bitmap" — checked before the pair would be combined into a double fault.
  it('the exception bitmap applies to a fault during delivery before double-fault conversion (#NP while delivering #GP)', () => {
    // #GP(0x1230) is delivered through a gate whose handler code segment is not present → #NP.
    const r = hv(
      cpu,
      withIdt({
        setup: `  and dword [${MEM.GUEST_IDT + 13 * 8 + 4}], ~0x8000\n`,
        fields: [['EXCEPTION_BITMAP', 1 << 11]],
        guest: '  mov ax, 0x1234\n  mov ds, ax',
      }),
    );
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0b);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000b0d);
    expect(r.read('IDT_VECTORING_ERROR_CODE')).toBe(0x1234);
  });
  it('a fault during delivery of an injected software interrupt: length = VM-entry instruction length', () => {
    const r = hv(
      cpu,
      withIdt({
        setup: `  and dword [${MEM.GUEST_IDT + 0x40 * 8 + 4}], ~0x8000\n`,
        fields: [['EXCEPTION_BITMAP', 1 << 11], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000440], ['VM_ENTRY_INSTRUCTION_LEN', 5]],
      }),
    );
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000440);
    expect(r.read('VM_EXIT_INSTRUCTION_LEN')).toBe(5);
  });
  it('a #DF that exits directly is not "during event delivery": IDT-vectoring invalid (SDM §27.2.3)', () => {
    // No guest IDT: #UD → #GP (IDT limit) → #GP again → #DF, which exits through bit 8.
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 8]], guest: '  ud2' });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b08);
    expect(r.read('VM_EXIT_INTR_ERROR_CODE')).toBe(0);
    expect(r.read('IDT_VECTORING_INFO_FIELD')! >>> 31).toBe(0);
  });
  it('triple fault → exit 2 (qualification 0, IDT-vectoring invalid)', () => {
    const r = hv(cpu, { guest: '  ud2' });
    expect(reasons(r)).toEqual([2]);
    expect(Number(r.exits[0].qualification)).toBe(0);
    expect(r.read('IDT_VECTORING_INFO_FIELD')! >>> 31).toBe(0);
    expect(r.end.vmx).toBe('root');
  });
  it('an exception exit leaves the guest stack untouched and RIP at the faulting instruction', () => {
    const r = hv(cpu, withIdt({ fields: [['EXCEPTION_BITMAP', 1 << 6]], guest: '  nop\n  ud2', handler: vmr('GUEST_RSP') + vmr('GUEST_RIP') + '  hlt' }));
    expect(r.read('GUEST_RSP')).toBe(MEM.GUEST_STACK);
    expect(r.read('GUEST_RIP')).toBe(Number(r.exits[0].guestEip));
  });
});

/** Host code that programs the PIC (vector base 0x20) and PIT channel 0 (mode 2, count `count`), IRQ0 unmasked. */
const PIC_PIT = (count = 20) => `
  mov al, 0x11
  out 0x20, al
  mov al, 0x20
  out 0x21, al
  mov al, 0x04
  out 0x21, al
  mov al, 0x01
  out 0x21, al
  mov al, 0xfe
  out 0x21, al
  mov al, 0x34
  out 0x43, al
  mov al, ${count & 0xff}
  out 0x40, al
  mov al, ${count >> 8}
  out 0x40, al
`;

describe.each(MODELS)('External interrupts (reason 1; SDM §25.2, §27.2.2) on %s', (cpu) => {
  it('"external-interrupt exiting": exit 1 even with guest RFLAGS.IF = 0; no interruption info without "acknowledge interrupt on exit"', () => {
    const r = hv(cpu, { pin: (v) => v | 1, setup: PIC_PIT(), guest: '  hlt', maxSteps: 2_000_000 });
    expect(reasons(r)).toEqual([1]);
    expect(Number(r.exits[0].qualification)).toBe(0);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0);
  });
  it('with "acknowledge interrupt on exit": interruption info 0x80000020 (the PIC vector), interrupt acknowledged', () => {
    if (!supports(cpu, 0x483, 15)) return;
    const r = hv(cpu, { pin: (v) => v | 1, exit: (v) => v | 0x8000, setup: PIC_PIT(), guest: '  hlt', handler: vmr('VM_EXIT_INTR_INFO') + '  mov al, 0x0b\n  out 0x20, al\n  in al, 0x20\n  movzx esi, al\n  hlt', maxSteps: 2_000_000 });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000020);
    expect(r.reg('esi') & 1).toBe(1); // ISR bit 0 set: the INTA cycle happened
  });
  it('without ack-on-exit the interrupt stays pending: the host takes it after STI (through its own IDT)', () => {
    const r = hv(cpu, { pin: (v) => v | 1, setup: PIC_PIT(), guest: '  hlt', handler: '  mov al, 0x0a\n  out 0x20, al\n  in al, 0x20\n  movzx esi, al\n  hlt', maxSteps: 2_000_000 });
    expect(r.reg('esi') & 1).toBe(1); // IRR bit 0 still set
  });
  it('without external-interrupt exiting the interrupt is delivered to the guest IDT (IF = 1)', () => {
    const r = hv(cpu, withIdt({ setup: PIC_PIT(), fields: [['GUEST_RFLAGS', 0x202]], guest: '  hlt', handler: STACK_HANDLER, maxSteps: 2_000_000 }));
    expect(reasons(r)).toEqual([10]);
    expect(r.reg('ecx')).toBe(0x20);
  });
  // SDM Vol. 3C §27.1: "a return to the active state occurs only after the VM exit completes".
  it('a guest in HLT is woken by the exiting interrupt; the saved activity state is HLT (SDM §27.1)', () => {
    const r = hv(cpu, { pin: (v) => v | 1, setup: PIC_PIT(), guest: '  hlt', handler: vmr('GUEST_ACTIVITY_STATE') + vmr('GUEST_RIP') + '  hlt', maxSteps: 2_000_000 });
    expect(reasons(r)).toEqual([1]);
    expect(r.read('GUEST_ACTIVITY_STATE')).toBe(1);
  });
  it('the interrupt exits as soon as the PIT fires, while the guest runs (a busy loop)', () => {
    const r = hv(cpu, { pin: (v) => v | 1, setup: PIC_PIT(), guest: '  xor esi, esi\nspin:\n  inc esi\n  jmp spin', handler: '  hlt', maxSteps: 2_000_000 });
    expect(reasons(r)).toEqual([1]);
    expect(r.reg('esi')).toBeGreaterThan(0);
  });
});

describe.each(MODELS)('Interrupt-window exiting (reason 7; SDM §25.2) on %s', (cpu) => {
  it('with RFLAGS.IF = 1 and no blocking: exit before the first guest instruction', () => {
    const r = hv(cpu, { proc: (v) => v | 4, fields: [['GUEST_RFLAGS', 0x202]], guest: '  cpuid' });
    expect(reasons(r)).toEqual([7]);
    expect(r.exits[0].guestEip).toBe(r.entries[0].guestEip);
    expect(Number(r.exits[0].qualification)).toBe(0);
  });
  it('with IF = 0: the exit follows STI plus one instruction (STI blocking)', () => {
    const r = hv(cpu, { proc: (v) => v | 4, guest: '  nop\n  sti\n  nop\nafter:\n  cpuid', handler: vmr('GUEST_RIP') + vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
    expect(reasons(r)).toEqual([7]);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 3);
    expect(r.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(0);
  });
  it('entry with blocking by STI in the interruptibility field delays the window by one instruction', () => {
    const r = hv(cpu, { proc: (v) => v | 4, fields: [['GUEST_RFLAGS', 0x202], ['GUEST_INTERRUPTIBILITY_INFO', 1]], guest: '  nop\n  cpuid' });
    expect(reasons(r)).toEqual([7]);
    expect(Number(r.exits[0].guestEip)).toBe(Number(r.entries[0].guestEip) + 1);
  });
  // SDM Vol. 3C §27.1: "a return to the active state occurs only after the VM exit completes".
  it('a guest in HLT with IF = 1 exits on the interrupt window (saved activity HLT)', () => {
    if (((model(cpu).capabilityMsr(0x485)!.lo >>> 6) & 1) === 0) return;
    const r = hv(cpu, { proc: (v) => v | 4, fields: [['GUEST_RFLAGS', 0x202], ['GUEST_ACTIVITY_STATE', 1]], handler: vmr('GUEST_ACTIVITY_STATE') + '  hlt' });
    expect(reasons(r)).toEqual([7]);
    expect(r.read('GUEST_ACTIVITY_STATE')).toBe(1);
  });
});

describe.each(MODELS.filter((m) => supports(m, 0x481, 5)))('NMI-window exiting (reason 8; virtual NMIs) on %s', (cpu) => {
  const pin = (v: number) => v | 0x28;
  it('no virtual-NMI blocking: exit before the first guest instruction', () => {
    const r = hv(cpu, { pin, proc: (v) => v | 0x400000, guest: '  cpuid' });
    expect(reasons(r)).toEqual([8]);
    expect(r.exits[0].guestEip).toBe(r.entries[0].guestEip);
  });
  it('with virtual-NMI blocking: the window opens after IRET', () => {
    const r = hv(cpu, {
      pin,
      proc: (v) => v | 0x400000,
      fields: [['GUEST_INTERRUPTIBILITY_INFO', 8]],
      guest: '  pushfd\n  push cs\n  push back\n  iretd\nback:\n  nop\n  cpuid',
      handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt',
    });
    expect(reasons(r)).toEqual([8]);
    expect(r.read('GUEST_INTERRUPTIBILITY_INFO')! & 8).toBe(0);
  });
  it('virtual-NMI blocking is saved in interruptibility bit 3', () => {
    const r = hv(cpu, { pin, fields: [['GUEST_INTERRUPTIBILITY_INFO', 8]], guest: '  cpuid', handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
    expect(r.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(8);
  });
});

describe.each(MODELS.filter((m) => supports(m, 0x481, 6)))('VMX-preemption timer (reason 52; SDM §25.5.1) on %s', (cpu) => {
  it('value 0: exit before the first guest instruction', () => {
    const r = hv(cpu, { pin: (v) => v | 0x40, fields: [['VMX_PREEMPTION_TIMER_VALUE', 0]], guest: '  cpuid' });
    expect(reasons(r)).toEqual([52]);
    expect(r.exits[0].guestEip).toBe(r.entries[0].guestEip);
    expect(Number(r.exits[0].qualification)).toBe(0);
  });
  it('a non-zero value lets the guest run, then exits; "save" stores the remaining count (0 at expiry)', () => {
    const r = hv(cpu, {
      pin: (v) => v | 0x40,
      exit: (v) => v | 0x400000,
      fields: [['VMX_PREEMPTION_TIMER_VALUE', 50]],
      guest: '  xor esi, esi\nspin:\n  inc esi\n  jmp spin',
      handler: vmr('VMX_PREEMPTION_TIMER_VALUE') + '  hlt',
    });
    expect(reasons(r)).toEqual([52]);
    expect(r.reg('esi')).toBeGreaterThan(0);
    expect(r.read('VMX_PREEMPTION_TIMER_VALUE')).toBe(0);
  });
  it('an earlier exit saves the decremented value', () => {
    const r = hv(cpu, { pin: (v) => v | 0x40, exit: (v) => v | 0x400000, fields: [['VMX_PREEMPTION_TIMER_VALUE', 100000]], guest: '  nop\n  cpuid', handler: vmr('VMX_PREEMPTION_TIMER_VALUE') + '  hlt' });
    expect(reasons(r)).toEqual([10]);
    const v = r.read('VMX_PREEMPTION_TIMER_VALUE')!;
    expect(v).toBeLessThanOrEqual(100000);
    expect(v).toBeGreaterThan(99000);
  });
  it('without "save", the field keeps the value written', () => {
    const r = hv(cpu, { pin: (v) => v | 0x40, fields: [['VMX_PREEMPTION_TIMER_VALUE', 100000]], guest: '  nop\n  cpuid', handler: vmr('VMX_PREEMPTION_TIMER_VALUE') + '  hlt' });
    expect(r.read('VMX_PREEMPTION_TIMER_VALUE')).toBe(100000);
  });
  it('the timer counts in the HLT activity state; the saved activity state is HLT', () => {
    const r = hv(cpu, { pin: (v) => v | 0x40, fields: [['VMX_PREEMPTION_TIMER_VALUE', 10]], guest: '  hlt', handler: vmr('GUEST_ACTIVITY_STATE') + vmr('GUEST_RIP') + '  hlt' });
    expect(reasons(r)).toEqual([52]);
    expect(r.read('GUEST_ACTIVITY_STATE')).toBe(1);
  });
});

describe.each(MODELS.filter((m) => supports(m, 0x482, 27)))('Monitor trap flag (reason 37; SDM §25.5.2) on %s', (cpu) => {
  it('exits after each guest instruction, with RIP at the next one (trap-like)', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x8000000,
      guest: '  nop\n  mov eax, 1\n  nop',
      handler: `${vmr('VM_EXIT_REASON', 'ecx')}  inc dword [count]\n  cmp dword [count], 3\n  je fin\n  vmresume\nfin:\n  hlt`,
      data: 'count: dd 0',
    });
    expect(reasons(r)).toEqual([37, 37, 37]);
    const e0 = Number(r.entries[0].guestEip);
    expect(r.exits.map((e) => Number(e.guestEip) - e0)).toEqual([1, 6, 7]);
    expect(r.exits.every((e) => Number(e.qualification) === 0)).toBe(true);
  });
  it('a REP-prefixed string instruction: an MTF exit after each iteration, RIP on the instruction until the last (§25.5.2)', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x8000000,
      guest: '  mov ecx, 3\n  mov esi, srcb\n  mov edi, dstb\n  cld\n  rep movsb\n  nop',
      handler: `  inc dword [count]\n  cmp dword [count], 7\n  je fin\n  vmresume\nfin:\n  hlt`,
      data: 'count: dd 0\nsrcb: db 1, 2, 3\ndstb: db 0, 0, 0',
    });
    const e0 = Number(r.entries[0].guestEip);
    // mov ecx (5 bytes), mov esi (5), mov edi (5), cld (1): REP MOVSB at +16 (2 bytes), NOP at +18.
    expect(r.exits.map((e) => Number(e.guestEip) - e0)).toEqual([5, 10, 15, 16, 16, 16, 18]);
    expect(reasons(r).every((x) => x === 37)).toBe(true);
  });
  it('an instruction that exits itself takes priority over MTF (no MTF exit for it)', () => {
    const r = hv(cpu, { proc: (v) => v | 0x8000000, guest: '  cpuid' });
    expect(reasons(r)).toEqual([10]);
  });
  // The MTF exit comes on the boundary after the event's delivery, before the handler's first instruction
  // (§25.5.2; KUT vmx_mtf_test expects RIP = the #GP handler). The ISR stubs are 8 bytes each from isr_table.
  const stubOf = (r: RunResult, vector: number): number => (r.reg('ecx') + 8 * vector) >>> 0;
  const atHandler = { handler: vmr('GUEST_RIP') + '  mov ecx, isr_table\n  hlt' };
  it('MTF after an instruction that faults into the guest IDT: exit at the handler entry', () => {
    const r = hv(cpu, withIdt({ proc: (v) => v | 0x8000000, guest: '  ud2', ...atHandler }));
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_RIP')! >>> 0).toBe(stubOf(r, 6));
  });
  it('MTF after a #GP (a selector beyond the GDT loaded into DS): exit at the #GP handler entry, not after its first instruction', () => {
    const r = hv(cpu, withIdt({ proc: (v) => v | 0x8000000, guest: '  mov ds, [bad_selector]\n  nop', data: 'bad_selector: dw 0xfff8', ...atHandler }));
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_RIP')! >>> 0).toBe(stubOf(r, 13));
  });
  it('MTF with an injected event: the exit is pending before the first instruction, RIP = the handler entry', () => {
    const r = hv(cpu, withIdt({ proc: (v) => v | 0x8000000, fields: [['VM_ENTRY_INTR_INFO_FIELD', 0x80000306]], guest: '  nop\n  nop', ...atHandler }));
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_RIP')! >>> 0).toBe(stubOf(r, 6));
  });
  it('MTF with HLT: the HLT completes and the MTF exit saves activity state HLT', () => {
    if (((model(cpu).capabilityMsr(0x485)!.lo >>> 6) & 1) === 0) return;
    const r = hv(cpu, { proc: (v) => v | 0x8000000, guest: '  hlt', handler: vmr('GUEST_ACTIVITY_STATE') + vmr('GUEST_RIP') + '  hlt' });
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_ACTIVITY_STATE')).toBe(1);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 1);
  });
});

describe.each(MODELS)('Windows, pending events, debug controls and single-step across exits (KUT vmx_*_window_test, vmx_pending_event_test, dbgctls) on %s', (cpu) => {
  it('interrupt window with IF = 0: only the first of two STIs has a shadow; the window opens after the second', () => {
    const r = hv(cpu, { proc: (v) => v | 4, guest: 'w_nop:\n  nop\n  sti\n  sti\n  cpuid', handler: vmr('GUEST_RIP') + '  hlt' });
    expect(reasons(r)).toEqual([7]);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 3);
  });
  it('interrupt window under MOV-SS blocking (IF = 1): the exit follows the next instruction', () => {
    const r = hv(cpu, { proc: (v) => v | 4, fields: [['GUEST_RFLAGS', 0x202], ['GUEST_INTERRUPTIBILITY_INFO', 2]], guest: '  nop\n  cpuid', handler: vmr('GUEST_RIP') + '  hlt' });
    expect(reasons(r)).toEqual([7]);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 1);
  });
  it('interrupt window with an injected event: the exit comes after the injection (RIP = the handler)', () => {
    // As KUT does, the #DB gate becomes a trap gate so that delivery keeps RFLAGS.IF = 1.
    const r = hv(cpu, withIdt({ proc: (v) => v | 4, setup: `  or dword [${MEM.GUEST_IDT + 12}], 0x100\n`, fields: [['GUEST_RFLAGS', 0x202], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000301]], handler: vmr('GUEST_RIP') + '  hlt' }));
    expect(reasons(r)).toEqual([7]);
    expect(r.read('GUEST_RIP')).not.toBe(Number(r.entries[0].guestEip));
  });
  it('an interrupt already pending at VMLAUNCH (host IF = 0) exits before the first guest instruction', () => {
    const wait = PIC_PIT() + 'pend_wait:\n  mov al, 0x0a\n  out 0x20, al\n  in al, 0x20\n  test al, 1\n  jz pend_wait\n';
    const r = hv(cpu, { pin: (v) => v | 1, setup: wait, guest: '  mov esi, 0x77\n  cpuid', handler: '  hlt', maxSteps: 2_000_000 });
    expect(reasons(r)).toEqual([1]);
    expect(r.reg('esi')).not.toBe(0x77);
    expect(r.exits[0].guestEip).toBe(r.entries[0].guestEip);
  });
  it('debug controls: "load" puts GUEST_DR7 in DR7; "save" stores the guest DR7; DR7 = 400H after the exit', () => {
    const r = hv(cpu, {
      setup: '  mov eax, 0x402\n  mov dr7, eax',
      fields: [['GUEST_DR7', 0x404]],
      guest: '  mov esi, dr7\n  mov eax, 0x408\n  mov dr7, eax\n  cpuid',
      handler: '  mov edi, dr7\n' + vmr('GUEST_DR7') + '  hlt',
    });
    expect(r.reg('esi')).toBe(0x404);
    expect(r.reg('edi')).toBe(0x400);
    expect(r.read('GUEST_DR7')).toBe(0x408);
  });
  if (((model(cpu).capabilityMsr(0x480)!.hi >>> 23) & 1) === 1) {
    it('without "load/save debug controls" (TRUE controls) the guest sees the host DR7 and GUEST_DR7 is not saved', () => {
      const r = hv(cpu, {
        entry: (v) => v & ~4,
        exit: (v) => v & ~4,
        setup: '  mov eax, 0x402\n  mov dr7, eax',
        fields: [['GUEST_DR7', 0x404]],
        guest: '  mov esi, dr7\n  mov eax, 0x408\n  mov dr7, eax\n  cpuid',
        handler: '  mov edi, dr7\n' + vmr('GUEST_DR7') + '  hlt',
      });
      expect(r.reg('esi')).toBe(0x402);
      expect(r.reg('edi')).toBe(0x400);
      expect(r.read('GUEST_DR7')).toBe(0x404);
    });
  }
  it('a single-stepping guest keeps its #DB traps across VM exits and VMRESUME', () => {
    // Guest: TF set; each single step traps to the guest #DB handler (IDT vector 1 → guest_common → CPUID exit);
    // the host counts the exits and resumes after the CPUID.
    const gate = `  mov eax, db_handler\n  mov edx, eax\n  and eax, 0xffff\n  or eax, 0x80000\n  mov [${MEM.GUEST_IDT + 8}], eax\n  and edx, 0xffff0000\n  or edx, 0x8f00\n  mov [${MEM.GUEST_IDT + 12}], edx\n`;
    const r = hv(cpu, {
      setup: gate,
      fields: [['GUEST_IDTR_BASE', MEM.GUEST_IDT], ['GUEST_IDTR_LIMIT', 0x7ff], ['GUEST_RFLAGS', 0x102]],
      guest: '  nop\n  nop\n  nop\n  nop',
      handler: `  inc dword [count]\n  cmp dword [count], 3\n  je fin\n${vmr('GUEST_RIP', 'ebx')}  add ebx, 2\n  mov eax, 0x681e\n  vmwrite eax, ebx\n  vmresume\nfin:\n  hlt`,
      data: 'count: dd 0\ndb_handler:\n  cpuid\n  iretd',
    });
    expect(reasons(r)).toEqual([10, 10, 10]);
    expect(r.exceptions.filter((e) => e.vector === 1).length).toBeGreaterThanOrEqual(3);
  });
});

describe.each(MODELS)('NMIs in VMX non-root operation (machine-level: the bare lab has no NMI source) on %s', (cpu) => {
  const nmi = (o: Omit<HvOptions, 'cpu'>) =>
    runMachine(hvSource({ cpu, ...o }), 200_000, { afterFirstEntry: (m) => (m.cpu.nmiPending = true) });
  const exits = (events: { type: string; reason?: unknown }[]) => events.filter((e) => e.type === 'vmexit').map((e) => e.reason);
  const reads = (events: { type: string; instruction?: unknown; operand?: unknown; value?: unknown }[], enc: number) =>
    events.filter((e) => e.type === 'vmx' && e.instruction === 'VMREAD' && Number(e.operand) === enc).map((e) => Number(e.value));
  it('"NMI exiting": exit 0 with interruption information 0x80000202; NMIs stay blocked after the exit', () => {
    const { m, events } = nmi({ pin: (v) => v | 8, guest: 'spin:\n  jmp spin' });
    expect(exits(events)).toEqual([0]);
    expect(reads(events, 0x4404)).toEqual([0x80000202]);
    expect(m.cpu.nmiBlocked).toBe(true);
  });
  it('without NMI exiting the NMI is delivered through the guest IDT (vector 2)', () => {
    const { m, events } = nmi(withIdt({ guest: 'spin:\n  jmp spin', handler: STACK_HANDLER }));
    expect(exits(events)).toEqual([10]);
    expect(m.cpu.regs[1]).toBe(2);
  });
  it('an NMI wakes a guest in HLT and exits; the saved activity state is HLT', () => {
    // Let the guest execute its HLT first, then raise the NMI.
    const { events } = runMachine(hvSource({ cpu, pin: (v) => v | 8, guest: '  hlt', handler: vmr('GUEST_ACTIVITY_STATE') + '  hlt' }), 200_000, {
      afterFirstEntry: (m) => {
        m.run(1);
        expect(m.cpu.activity).toBe(1);
        m.cpu.nmiPending = true;
      },
    });
    expect(exits(events)).toEqual([0]);
    expect(reads(events, 0x4826)).toEqual([1]); // SDM §27.1: HLT is left only after the VM exit
  });
  if (supports(cpu, 0x481, 5)) {
    it('virtual NMIs: an NMI exit leaves the real NMI blocking alone; interruptibility bit 3 reports virtual-NMI blocking', () => {
      const { m, events } = nmi({ pin: (v) => v | 0x28, guest: 'spin:\n  jmp spin', handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
      expect(exits(events)).toEqual([0]);
      expect(reads(events, 0x4824)).toEqual([0]);
      expect(m.cpu.nmiBlocked).toBe(false);
    });
    it('virtual NMIs: virtual-NMI blocking (interruptibility bit 3) does not hold a physical NMI\'s exit (SDM §26.6.1)', () => {
      const { events } = nmi({ pin: (v) => v | 0x28, fields: [['GUEST_INTERRUPTIBILITY_INFO', 8]], guest: 'spin:\n  jmp spin', handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
      expect(exits(events)).toEqual([0]);
      expect(reads(events, 0x4824)).toEqual([8]); // still virtual-NMI blocking, saved by the exit
    });
  }
  it('without virtual NMIs, blocking by NMI holds the NMI exit while the guest runs (SDM §26.6.1)', () => {
    const { m, events } = nmi({ pin: (v) => v | 8, fields: [['GUEST_INTERRUPTIBILITY_INFO', 8]], guest: 'spin:\n  jmp spin' });
    expect(exits(events)).toEqual([]);
    expect(m.cpu.nmiPending).toBe(true);
  });
});

describe.each(MODELS)('Pending debug exceptions held over a MOV-SS shadow at VM entry (KUT vmx_db_test; SDM §26.6.3) on %s', (cpu) => {
  const read = vmr('VM_EXIT_INTR_INFO') + vmr('EXIT_QUALIFICATION') + vmr('GUEST_RIP') + vmr('GUEST_PENDING_DBG_EXCEPTIONS') + '  hlt';
  it('TF = 1 and pending BS | enabled breakpoint | B0 under MOV-SS blocking: one #DB after the first instruction, qualification BS | B0', () => {
    const r = hv(cpu, {
      fields: [['GUEST_RFLAGS', 0x102], ['GUEST_PENDING_DBG_EXCEPTIONS', 0x5001], ['GUEST_INTERRUPTIBILITY_INFO', 2], ['EXCEPTION_BITMAP', 1 << 1]],
      guest: '  nop\nafter_nop:\n  nop',
      handler: read,
    });
    expect(r.exits.map((e) => e.reason)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')! >>> 0).toBe(0x80000301);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x4001);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 1); // after the NOP
    expect(r.read('GUEST_PENDING_DBG_EXCEPTIONS')).toBe(0);
  });
  it('an instruction that exits inside the MOV-SS shadow saves the held pending debug exceptions and the blocking (SDM §27.3.4)', () => {
    const r = hv(cpu, {
      fields: [['GUEST_PENDING_DBG_EXCEPTIONS', 0x1002], ['GUEST_INTERRUPTIBILITY_INFO', 2], ['EXCEPTION_BITMAP', 1 << 1]],
      guest: '  cpuid',
      handler: vmr('GUEST_PENDING_DBG_EXCEPTIONS') + vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt',
    });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.read('GUEST_PENDING_DBG_EXCEPTIONS')).toBe(0x1002);
    expect(r.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(2);
  });
  it('TF = 0 and a pending enabled breakpoint B1 under MOV-SS blocking: #DB with B1 after the first instruction', () => {
    const r = hv(cpu, {
      fields: [['GUEST_PENDING_DBG_EXCEPTIONS', 0x1002], ['GUEST_INTERRUPTIBILITY_INFO', 2], ['EXCEPTION_BITMAP', 1 << 1]],
      guest: '  nop\nafter_nop:\n  cpuid',
      handler: read,
    });
    expect(r.exits.map((e) => e.reason)).toEqual([0]);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x2);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 1); // after the NOP
  });
});

describe.each(MODELS)('Vectoring VM entries: RF and blocking as the SDM gives them (SDM §26.6.1; Bochs VMenterInjectEvents) on %s', (cpu) => {
  it('an injected fault (#UD, #GP) pushes RF as the guest-state area had it, 0 — not the 1 of a fault the guest raised', () => {
    const ud = hv(cpu, withIdt({ fields: [['VM_ENTRY_INTR_INFO_FIELD', 0x80000306]], guest: '  hlt', handler: STACK_HANDLER }));
    expect(ud.reg('ecx')).toBe(6);
    expect(ud.reg('edi')).toBe(2); // EFLAGS image: RF = 0
    const raised = hv(cpu, withIdt({ guest: '  ud2', handler: STACK_HANDLER }));
    expect(raised.reg('edi') & 0x10000).toBe(0x10000); // the same #UD raised by the guest: RF = 1
  });
  if (supports(cpu, 0x482, 27)) {
    it('no blocking by STI or MOV SS after a vectoring entry, whatever the interruptibility field says (MTF exit at the handler saves 0)', () => {
      for (const intr of [1, 2]) {
        const r = hv(cpu, withIdt({
          proc: (v) => v | 0x8000000,
          fields: [['GUEST_RFLAGS', 0x202], ['GUEST_INTERRUPTIBILITY_INFO', intr], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000306]],
          guest: '  hlt',
          handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt',
        }));
        expect(r.exits.map((e) => e.reason)).toEqual([37]);
        expect(r.read('GUEST_INTERRUPTIBILITY_INFO'), `interruptibility ${intr}`).toBe(0);
      }
    });
    it('a pending MTF VM exit injected (type 7) keeps valid pending debug exceptions, and the MTF exit saves them (§26.6.3, §27.3.4)', () => {
      const r = hv(cpu, {
        fields: [['GUEST_PENDING_DBG_EXCEPTIONS', 0x1001], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000700]],
        guest: '  cpuid',
        handler: vmr('GUEST_PENDING_DBG_EXCEPTIONS') + '  hlt',
      });
      expect(r.exits.map((e) => e.reason)).toEqual([37]);
      expect(r.read('GUEST_PENDING_DBG_EXCEPTIONS')).toBe(0x1001);
    });
  }
});

describe.each(MODELS)('NMI unblocking due to IRET (bit 12; SDM §27.2.2, Table 27-7; Bochs VMexit_Event, paging.cc) on %s', (cpu) => {
  // IRET with a bad CS (0x33: beyond the GDT) on its stack: #GP(0x30), intercepted by the exception bitmap.
  const badIret = '  pushfd\n  push 0x33\n  push 0x1000\n  iretd';
  const read = vmr('VM_EXIT_INTR_INFO') + vmr('GUEST_INTERRUPTIBILITY_INFO') + vmr('EXIT_QUALIFICATION') + '  hlt';
  const withVnmi = supports(cpu, 0x481, 5);
  it('a fault of an IRET that unblocked NMIs sets bit 12 of the VM-exit interruption information', () => {
    const blocked = hv(cpu, { fields: [['GUEST_INTERRUPTIBILITY_INFO', 8], ['EXCEPTION_BITMAP', 1 << 13]], guest: badIret, handler: read });
    expect(blocked.exits[0].reason).toBe(0);
    expect(blocked.read('VM_EXIT_INTR_INFO')! >>> 0).toBe(0x80001b0d);
    expect(blocked.read('GUEST_INTERRUPTIBILITY_INFO')! & 8).toBe(0); // the IRET did unblock them
    const notBlocked = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: badIret, handler: read });
    expect(notBlocked.read('VM_EXIT_INTR_INFO')! >>> 0).toBe(0x80000b0d);
  });
  if (withVnmi) {
    it('with virtual NMIs, virtual-NMI blocking before the IRET sets bit 12', () => {
      const r = hv(cpu, { pin: (v) => v | 8 | 32, fields: [['GUEST_INTERRUPTIBILITY_INFO', 8], ['EXCEPTION_BITMAP', 1 << 13]], guest: badIret, handler: read });
      expect(r.read('VM_EXIT_INTR_INFO')! >>> 0).toBe(0x80001b0d);
    });
  }
  if (model(cpu).features.ept) {
    it('an EPT violation on the stack read of the IRET sets bit 12 of the qualification', () => {
      const o = { proc2: 2, setup: IDENTITY_EPT_SETUP, guest: '  mov esp, 0x500000\n  iretd', handler: read };
      const blocked = hv(cpu, { ...o, fields: [['EPT_POINTER', MEM.EPT_PML4 | 0x1e], ['GUEST_INTERRUPTIBILITY_INFO', 8]] });
      expect(blocked.exits[0].reason).toBe(48);
      expect(blocked.read('EXIT_QUALIFICATION')).toBe(0x1181);
      const plain = hv(cpu, { ...o, fields: [['EPT_POINTER', MEM.EPT_PML4 | 0x1e]] });
      expect(plain.read('EXIT_QUALIFICATION')).toBe(0x181);
    });
  }
});

describe.each(MODELS)('IA32_FEATURE_CONTROL and VMXON (SDM VMXON; KUT test_vmx_feature_control) on %s', (cpu) => {
  const src = hvSource({ cpu, body: VMXON_PREAMBLE + '  hlt' });
  for (const [value, what] of [[0x0, 'unlocked'], [0x1, 'locked with VMX disabled'], [0x4, 'VMX enabled but unlocked'], [0x3, 'locked, VMX only inside SMX']] as const) {
    it(`#GP(0) when IA32_FEATURE_CONTROL is ${what} (0x${value.toString(16)})`, () => {
      const { m, reason } = runMachine(src, 200_000, { prepare: (mm) => mm.cpu.msrLo.set(0x3a, value) });
      expect(reason).toBe('unhandled-exception');
      expect(m.cpu.unhandledVector).toBe(13);
      expect(m.cpu.vmx.on).toBe(false);
    });
  }
  it('locked with VMX outside SMX (5): VMXON succeeds', () => {
    const { m } = runMachine(src, 200_000, { prepare: (mm) => mm.cpu.msrLo.set(0x3a, 5) });
    expect(m.cpu.vmx.on).toBe(true);
  });
  it('WRMSR to the locked IA32_FEATURE_CONTROL is #GP', () => {
    const r = runHv({ cpu, body: '  mov ecx, 0x3a\n  mov eax, 5\n  xor edx, edx\n  wrmsr\n  hlt' });
    expect(r.end.reason).toBe('unhandled-exception');
    expect(r.end.vector).toBe(13);
  });
});

describe.each(MODELS.filter((m) => supports(m, 0x482, 27)))('MTF priorities (KUT vmx_mtf_test) on %s', (cpu) => {
  const mtf = (v: number) => v | 0x8000000;
  it('MTF after an OUT that does not exit: RIP at the next instruction', () => {
    const r = hv(cpu, { proc: mtf, guest: '  out 0x80, al\nafter_out:\n  nop', handler: vmr('GUEST_RIP') + '  hlt' });
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_RIP')).toBe(Number(r.entries[0].guestEip) + 2);
  });
  it('INT1 (ICEBP): the MTF exit follows the #DB delivery (RIP = the handler)', () => {
    const r = hv(cpu, withIdt({ proc: mtf, guest: '  db 0xf1', handler: vmr('GUEST_RIP') + '  hlt' }));
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_RIP')).not.toBe(Number(r.entries[0].guestEip) + 1);
  });
  // The MTF exit wins and the trap is saved as pending (BS) — vmx.pendingDebug is the slot exit.ts saves.
  it('a single-step trap coinciding with MTF: MTF exit first, pending debug exceptions BS saved', () => {
    const r = hv(cpu, { proc: mtf, fields: [['GUEST_RFLAGS', 0x102], ['EXCEPTION_BITMAP', 1 << 1]], guest: '  out 0x80, al\n  nop', handler: vmr('GUEST_PENDING_DBG_EXCEPTIONS') + '  hlt' });
    expect(reasons(r)).toEqual([37]);
    expect(r.read('GUEST_PENDING_DBG_EXCEPTIONS')! & 0x4000).toBe(0x4000);
  });
});

describe.each(MODELS)('Exceptions of KUT vmx_exception_test through the bitmap on %s', (cpu) => {
  const RING3_AC: HvOptions['fields'] = [
    ['GUEST_CS_SELECTOR', 0x1b],
    ['GUEST_CS_AR_BYTES', 0xc0fb],
    ...(['SS', 'DS', 'ES', 'FS', 'GS'] as const).flatMap((s): Array<[keyof typeof F, number]> => [
      [`GUEST_${s}_SELECTOR`, 0x23],
      [`GUEST_${s}_AR_BYTES`, 0xc0f3],
    ]),
    ['GUEST_CR0', 0x80040031],
    ['GUEST_RFLAGS', 0x40002],
    ['EXCEPTION_BITMAP', 1 << 17],
  ];
  // Alignment checking (#AC: CR0.AM, EFLAGS.AC, CPL 3; SDM Vol. 3A §6.15 interrupt 17).
  it('#AC(0) for a misaligned access at CPL 3 with CR0.AM and EFLAGS.AC → 0x80000B11', () => {
    const r = hv(cpu, { fields: RING3_AC, guest: '  mov eax, [0x3001]\n  cpuid' });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b11);
  });
  it('#NM from an x87 instruction with CR0.EM = 1 → 0x80000307', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 7], ['GUEST_CR0', 0x80000035]], guest: '  db 0xdb, 0xe3 ; FNINIT' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000307);
  });
  it('an x87 instruction with CR0.TS = CR0.EM = 0 does not fault (KUT vmx_no_nm_test)', () => {
    expect(reasons(hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 7]], guest: '  db 0xdb, 0xe3 ; FNINIT\n  cpuid' }))).toEqual([10]);
  });
});

describe.each(MODELS)('Host RFLAGS.TF across VMLAUNCH on %s', (cpu) => {
  // VM entry replaces RFLAGS and takes the guest's pending debug exceptions from the VMCS (SDM Vol. 3C
  // §26.6.3), so the host's single-step trap does not follow the VMLAUNCH into the guest (the guest's TF = 0).
  it('a host single-step trap does not leak into the guest', () => {
    const r = hv(cpu, { launch: '  pushfd\n  or dword [esp], 0x100\n  popfd\n  vmlaunch', fields: [['EXCEPTION_BITMAP', 2]], guest: '  cpuid' });
    expect(reasons(r)).toEqual([10]);
  });
});
