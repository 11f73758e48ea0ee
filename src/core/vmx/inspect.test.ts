import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_FIELDS, VMCS_GROUPS, fieldMatches, formatFieldValue, inspectVmcs, searchVmcs, type InspectedField, type InspectedVmcs, type VmcsSnapshotLike, type VmcsViewLike } from './inspect.ts';
import { PROC_BASED_DEFAULT1, PIN_BASED_DEFAULT1, ProcBased, ProcBased2 } from './spec/controls.ts';
import { VMCS_FIELDS, VmcsField, type VmcsFieldName } from './spec/fields.ts';
import { encodeEptp } from './spec/formats/ept.ts';
import { encodeVmreadVmwriteInfo } from './spec/formats/instruction-info.ts';
import { encodeInterruptionInfo } from './spec/formats/interruption.ts';
import { encodeEptViolationQualification, encodeIoQualification, encodeMovCrQualification } from './spec/formats/qualification.ts';

// ---------------------------------------------------------------- fixtures

type Values = Partial<Record<VmcsFieldName, number | readonly [number, number]>>;

/** A snapshot holding every field of the table (zeros unless given), or only `only`. */
function snap(values: Values = {}, only?: readonly VmcsFieldName[]): VmcsSnapshotLike {
  const list = only === undefined ? VMCS_FIELDS : VMCS_FIELDS.filter((f) => only.includes(f.name as VmcsFieldName));
  return {
    ptr: 0x12000,
    launched: true,
    current: true,
    fields: list.map((f) => {
      const v = values[f.name as VmcsFieldName];
      const [lo, hi] = v === undefined ? [0, 0] : typeof v === 'number' ? [v, 0] : v;
      return [f.encoding, lo >>> 0, f.width === 64 ? hi >>> 0 : 0] as const;
    }),
  };
}

const VMEXIT = 4;
const VMENTRY = 5;
const VMFAIL = 6;

function view(now: Values, before: Values | null = null, transition: { seq: number; kind: number } | null = null): VmcsViewLike {
  return { now: snap(now), before: before === null ? null : snap(before), transition };
}

function field(v: InspectedVmcs, name: VmcsFieldName): InspectedField {
  for (const g of v.groups) for (const f of g.fields) if (f.name === name) return f;
  throw new Error(`no field ${name}`);
}

function partOf(f: InspectedField, name: string) {
  const p = f.decoded?.parts.find((x) => x.name === name);
  if (p === undefined) throw new Error(`${f.name}: no part ${name} in ${JSON.stringify(f.decoded?.parts.map((x) => x.name))}`);
  return p;
}

const allNames = (v: InspectedVmcs): string[] => v.groups.flatMap((g) => g.fields.map((f) => f.name));

/** A guest that exited: state a teacher would see after `cpuid` at 0x1000. */
const GUEST: Values = {
  GUEST_RIP: 0x1000,
  GUEST_RSP: 0x8000,
  GUEST_RFLAGS: 0x202,
  GUEST_CR0: 0x80000031,
  GUEST_CR4: 0x2000,
  GUEST_CS_SELECTOR: 0x0008,
  GUEST_SS_SELECTOR: 0x0010,
  GUEST_CS_AR_BYTES: 0xc09b,
  VMCS_LINK_POINTER: [0xffffffff, 0xffffffff],
  PIN_BASED_VM_EXEC_CONTROL: PIN_BASED_DEFAULT1,
  CPU_BASED_VM_EXEC_CONTROL: PROC_BASED_DEFAULT1 | ProcBased.HLT_EXITING | ProcBased.USE_IO_BITMAPS,
  HOST_RIP: 0xc0001000,
};

// ---------------------------------------------------------------- groups and order

describe('inspectVmcs: the six areas of SDM Vol. 3C §24.3', () => {
  const all = inspectVmcs(view(GUEST), { detail: 'engineer' });

  it('returns the areas in the SDM order with the SDM titles', () => {
    expect(all.groups.map((g) => g.title)).toEqual([
      'Guest-state area',
      'Host-state area',
      'VM-execution control fields',
      'VM-exit control fields',
      'VM-entry control fields',
      'VM-exit information fields',
    ]);
    expect(all.groups.map((g) => g.id)).toEqual(VMCS_GROUPS.map((g) => g.id));
    expect(all.groups[0]!.sdm).toBe('SDM Vol. 3C §24.4');
    expect(all.groups[5]!.sdm).toBe('SDM Vol. 3C §24.9');
  });

  it('puts every field of VMCS_FIELDS in exactly one area, the one the field table names', () => {
    const seen = allNames(all);
    expect(seen).toHaveLength(VMCS_FIELDS.length);
    expect(new Set(seen).size).toBe(VMCS_FIELDS.length);
    for (const g of all.groups) for (const f of g.fields) expect(VMCS_FIELDS.find((x) => x.name === f.name)!.group).toBe(g.id);
    expect(all.fieldCount).toBe(VMCS_FIELDS.length);
  });

  it('orders fields inside an area as the SDM sections list them', () => {
    const guest = all.groups[0]!.fields.map((f) => f.name);
    expect(guest.slice(0, 11)).toEqual([
      'GUEST_CR0', 'GUEST_CR3', 'GUEST_CR4', 'GUEST_DR7', 'GUEST_RSP', 'GUEST_RIP', 'GUEST_RFLAGS',
      'GUEST_CS_SELECTOR', 'GUEST_CS_BASE', 'GUEST_CS_LIMIT', 'GUEST_CS_AR_BYTES',
    ]);
    // §24.4.1 registers before §24.4.2 non-register state.
    expect(guest.indexOf('GUEST_SMBASE')).toBeLessThan(guest.indexOf('GUEST_ACTIVITY_STATE'));
    const host = all.groups[1]!.fields.map((f) => f.name);
    expect(host.slice(0, 5)).toEqual(['HOST_CR0', 'HOST_CR3', 'HOST_CR4', 'HOST_RSP', 'HOST_RIP']);
    const exec = all.groups[2]!.fields.map((f) => f.name);
    expect(exec.slice(0, 3)).toEqual(['PIN_BASED_VM_EXEC_CONTROL', 'CPU_BASED_VM_EXEC_CONTROL', 'SECONDARY_VM_EXEC_CONTROL']);
    const info = all.groups[5]!.fields.map((f) => f.name);
    expect(info.slice(0, 4)).toEqual(['VM_EXIT_REASON', 'EXIT_QUALIFICATION', 'GUEST_LINEAR_ADDRESS', 'GUEST_PHYSICAL_ADDRESS']);
    expect(info.indexOf('VM_INSTRUCTION_ERROR')).toBeGreaterThan(info.indexOf('VMX_INSTRUCTION_INFO'));
  });

  it('shows only the fields the snapshot carries (the ones the CPU model supports) and skips unknown encodings', () => {
    const s = snap({ GUEST_RIP: 0x1000 }, ['GUEST_RIP', 'VM_EXIT_REASON', 'HOST_RIP']);
    const v = inspectVmcs({ now: { ...s, fields: [...s.fields, [0x7ffe, 1, 0]] }, before: null, transition: null }, { detail: 'engineer' });
    expect(allNames(v)).toEqual(['GUEST_RIP', 'HOST_RIP', 'VM_EXIT_REASON']);
    expect(v.groups).toHaveLength(6);
    expect(v.groups[2]!.fields).toEqual([]);
  });

  it('reports the pointer, launch state and "current"', () => {
    expect(all.ptr).toBe(0x12000);
    expect(all.ptrHex).toBe('0x00012000');
    expect(all.launched).toBe(true);
    expect(all.current).toBe(true);
  });
});

// ---------------------------------------------------------------- field records

describe('field records', () => {
  const v = inspectVmcs(view({ ...GUEST, GUEST_PHYSICAL_ADDRESS: [0x00123456, 0x1] }), { detail: 'engineer' });

  it('carry encoding, name, SDM title, width, description and SDM reference', () => {
    const rip = field(v, 'GUEST_RIP');
    expect(rip).toMatchObject({ encoding: 0x681e, encodingHex: '0x681E', name: 'GUEST_RIP', title: 'Guest RIP', width: 'natural', key: true });
    expect(rip.sdm).toMatch(/^SDM Vol\. 3C §24\.4\.1/);
    expect(rip.description.length).toBeGreaterThan(10);
    expect(field(v, 'GUEST_CS_SELECTOR').width).toBe(16);
    expect(field(v, 'VM_EXIT_REASON').width).toBe(32);
    expect(field(v, 'VMCS_LINK_POINTER').width).toBe(64);
  });

  it('format the value as wide as the field (64-bit as 16 digits)', () => {
    expect(field(v, 'GUEST_CS_SELECTOR').valueHex).toBe('0x0008');
    expect(field(v, 'GUEST_RFLAGS').valueHex).toBe('0x00000202');
    expect(field(v, 'GUEST_RIP').valueHex).toBe('0x00001000');
    expect(field(v, 'VMCS_LINK_POINTER').valueHex).toBe('0xFFFFFFFFFFFFFFFF');
    expect(field(v, 'GUEST_PHYSICAL_ADDRESS').valueHex).toBe('0x0000000100123456');
    expect(field(v, 'GUEST_PHYSICAL_ADDRESS').value).toEqual({ lo: 0x00123456, hi: 1 });
    expect(formatFieldValue('natural', { lo: 1, hi: 2 })).toBe('0x0000000200000001');
  });

  it('mark the Classroom key fields', () => {
    for (const name of KEY_FIELDS) expect(VmcsField[name]).toBeTypeOf('number');
    expect(field(v, 'VM_EXIT_REASON').key).toBe(true);
    expect(field(v, 'EXIT_QUALIFICATION').key).toBe(true);
    expect(field(v, 'HOST_RIP').key).toBe(true);
    expect(field(v, 'GUEST_ES_LIMIT').key).toBe(false);
    expect(field(v, 'IO_RCX').key).toBe(false);
    expect(v.keyCount).toBe(KEY_FIELDS.length);
  });

  it('do not change the input', () => {
    const input = view(GUEST, GUEST, { seq: 9, kind: VMEXIT });
    const copy = structuredClone(input);
    inspectVmcs(input, { detail: 'classroom' });
    expect(input).toEqual(copy);
  });
});

// ---------------------------------------------------------------- VM exits

describe('decoding a VM exit', () => {
  it('CPUID: reason 10, instruction length 2, no qualification', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_EXIT_REASON: 10, VM_EXIT_INSTRUCTION_LEN: 2 }), { detail: 'classroom' });
    const reason = field(v, 'VM_EXIT_REASON');
    expect(reason.decoded!.summary).toBe('10 CPUID');
    expect(partOf(reason, 'Basic exit reason')).toMatchObject({ bits: '15:0', value: 10, meaning: '10: CPUID' });
    expect(partOf(reason, 'VM-entry failure')).toMatchObject({ bits: '31', value: 0 });
    expect(field(v, 'VM_EXIT_INSTRUCTION_LEN').decoded!.summary).toBe('2 bytes');
    expect(field(v, 'EXIT_QUALIFICATION').decoded!.summary).toBe('no qualification');
    expect(field(v, 'VMX_INSTRUCTION_INFO').decoded!.summary).toBe('not defined for exit reason 10 (CPUID)');
    expect(field(v, 'GUEST_PHYSICAL_ADDRESS').decoded!.summary).toMatch(/^undefined for exit reason 10/);
  });

  it('I/O: qualification 0x03F80000 is OUT, 1 byte, port 0x3F8 (DX)', () => {
    const q = encodeIoQualification(1, false, false, false, false, 0x3f8);
    expect(q).toBe(0x03f80000);
    const v = inspectVmcs(view({ ...GUEST, VM_EXIT_REASON: 30, EXIT_QUALIFICATION: q, VM_EXIT_INSTRUCTION_LEN: 1 }), { detail: 'classroom' });
    const f = field(v, 'EXIT_QUALIFICATION');
    expect(f.valueHex).toBe('0x03F80000');
    expect(partOf(f, 'Direction').meaning).toBe('OUT');
    expect(partOf(f, 'Size of access').meaning).toBe('1 byte');
    expect(partOf(f, 'Port number')).toMatchObject({ bits: '31:16', value: 0x3f8, meaning: '0x03F8' });
    expect(partOf(f, 'Operand encoding').meaning).toBe('DX');
    expect(f.decoded!.summary).toBe('out DX (0x03F8), AL');
    expect(field(v, 'VM_EXIT_REASON').decoded!.summary).toBe('30 I/O instruction');
    // Not a string instruction: the guest-linear address is undefined.
    expect(field(v, 'GUEST_LINEAR_ADDRESS').decoded!.summary).toMatch(/^undefined/);
  });

  it('control-register access: MOV to CR3 from EAX', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_EXIT_REASON: 28, EXIT_QUALIFICATION: encodeMovCrQualification(3, true, 0), VM_EXIT_INSTRUCTION_LEN: 3 }), { detail: 'classroom' });
    const f = field(v, 'EXIT_QUALIFICATION');
    expect(f.valueHex).toBe('0x00000003');
    expect(f.decoded!.summary).toBe('MOV to CR3 from EAX');
    expect(partOf(f, 'Control register').meaning).toBe('CR3');
    expect(partOf(f, 'Access type').meaning).toBe('MOV to CR');
    expect(partOf(f, 'General-purpose register').meaning).toBe('EAX');
  });

  it('EPT violation: qualification, guest-physical and guest-linear addresses', () => {
    const q = encodeEptViolationQualification(1, 0, true, true, false);
    expect(q).toBe(0x181);
    const v = inspectVmcs(
      view({ ...GUEST, VM_EXIT_REASON: 48, EXIT_QUALIFICATION: q, GUEST_PHYSICAL_ADDRESS: [0x00200010, 0], GUEST_LINEAR_ADDRESS: 0x00400010 }),
      { detail: 'classroom' },
    );
    expect(field(v, 'VM_EXIT_REASON').decoded!.summary).toBe('48 EPT violation');
    expect(field(v, 'EXIT_QUALIFICATION').decoded!.summary).toBe('EPT violation on read (not present)');
    expect(partOf(field(v, 'EXIT_QUALIFICATION'), 'Guest-linear address valid').meaning).toBe('yes');
    const gpa = field(v, 'GUEST_PHYSICAL_ADDRESS');
    expect(gpa.valueHex).toBe('0x0000000000200010');
    expect(gpa.decoded!.summary).toBe('the guest-physical address of the EPT violation');
    expect(field(v, 'GUEST_LINEAR_ADDRESS').decoded!.summary).toBe('the linear address whose translation caused the EPT violation');
  });

  it('VM-entry failure: reason 33 with bit 31', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_EXIT_REASON: 0x80000021, EXIT_QUALIFICATION: 0 }), { detail: 'classroom' });
    const r = field(v, 'VM_EXIT_REASON');
    expect(r.valueHex).toBe('0x80000021');
    expect(r.decoded!.summary).toBe('VM-entry failure: 33 VM-entry failure due to invalid guest state');
    expect(partOf(r, 'Basic exit reason').value).toBe(33);
    expect(partOf(r, 'VM-entry failure')).toMatchObject({ bits: '31', value: 1 });
    expect(field(v, 'EXIT_QUALIFICATION').decoded!.summary).toBe('VM-entry failure: no further details (a guest-state check failed)');
  });

  it('VMfailValid: VM-instruction error 7 with the SDM text', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_INSTRUCTION_ERROR: 7 }, { ...GUEST }, { seq: 41, kind: VMFAIL }), { detail: 'classroom' });
    const e = field(v, 'VM_INSTRUCTION_ERROR');
    expect(e.decoded!.summary).toBe('7: VM entry with invalid control field(s)');
    expect(e.changed).toBe(true);
    expect(e.beforeHex).toBe('0x00000000');
    expect(v.transition).toEqual({ seq: 41, eventNumber: 42, kind: VMFAIL, label: 'VMfail' });
    const none = inspectVmcs(view(GUEST), { detail: 'classroom' });
    expect(field(none, 'VM_INSTRUCTION_ERROR').decoded!.summary).toBe('no error recorded (only VMfailValid writes this field)');
  });

  it('exception exit (#PF): interruption information, error code and the faulting address', () => {
    const info = encodeInterruptionInfo(14, 3, true);
    expect(info).toBe(0x80000b0e);
    const v = inspectVmcs(
      view({ ...GUEST, VM_EXIT_REASON: 0, VM_EXIT_INTR_INFO: info, VM_EXIT_INTR_ERROR_CODE: 0x2, EXIT_QUALIFICATION: 0x00403000 }),
      { detail: 'classroom' },
    );
    const ii = field(v, 'VM_EXIT_INTR_INFO');
    expect(ii.decoded!.summary).toBe('#PF page fault with error code');
    expect(partOf(ii, 'Vector')).toMatchObject({ bits: '7:0', value: 14 });
    expect(partOf(ii, 'Interruption type').meaning).toBe('Hardware exception');
    expect(partOf(ii, 'Error code valid').meaning).toBe('yes');
    expect(partOf(ii, 'NMI unblocking due to IRET').meaning).toBe('no');
    expect(partOf(ii, 'Valid').meaning).toBe('yes');
    expect(field(v, 'VM_EXIT_INTR_ERROR_CODE').decoded!.summary).toBe('#PF error code: not present, write, supervisor');
    expect(field(v, 'EXIT_QUALIFICATION').decoded!.summary).toBe('#PF at 0x00403000 (CR2 not yet loaded)');
    expect(field(v, 'IDT_VECTORING_INFO_FIELD').decoded!.summary).toBe('not valid');
    expect(field(v, 'IDT_VECTORING_ERROR_CODE').decoded!.summary).toMatch(/^not in use/);
  });

  it('#GP error code names the table and index; IDT-vectoring information of an interrupted delivery', () => {
    const v = inspectVmcs(
      view({ ...GUEST, VM_EXIT_REASON: 0, VM_EXIT_INTR_INFO: encodeInterruptionInfo(13, 3, true), VM_EXIT_INTR_ERROR_CODE: 0x0042, IDT_VECTORING_INFO_FIELD: encodeInterruptionInfo(0x20, 0, false) }),
      { detail: 'classroom' },
    );
    expect(field(v, 'VM_EXIT_INTR_ERROR_CODE').decoded!.summary).toBe('IDT entry 8');
    expect(field(v, 'IDT_VECTORING_INFO_FIELD').decoded!.summary).toBe('external interrupt 0x20');
  });

  it('VMREAD exit: instruction information by reason (SDM Table 27-14)', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_EXIT_REASON: 23, VMX_INSTRUCTION_INFO: encodeVmreadVmwriteInfo(0, 1, 0) }), { detail: 'classroom' });
    expect(field(v, 'VMX_INSTRUCTION_INFO').decoded!.summary).toBe('encoding in EAX, other operand ECX');
  });
});

// ---------------------------------------------------------------- controls and guest state

describe('decoding controls and state', () => {
  it('controls: the set bits with their SDM names and bit numbers', () => {
    const v = inspectVmcs(view(GUEST), { detail: 'engineer' });
    const p = field(v, 'CPU_BASED_VM_EXEC_CONTROL');
    expect(p.decoded!.style).toBe('flags');
    expect(partOf(p, 'HLT exiting')).toMatchObject({ bits: '7', value: 1 });
    expect(partOf(p, 'Use I/O bitmaps')).toMatchObject({ bits: '25', value: 1 });
    expect(partOf(p, 'CR3-load exiting').bits).toBe('15');
    expect(p.decoded!.summary).toMatch(/^HLT exiting, CR3-load exiting, CR3-store exiting, Use I\/O bitmaps \(\+\d+ reserved bits\)$/);
    // Engineer: each reserved default1 bit on its own.
    const reserved = p.decoded!.parts.filter((x) => x.name === 'Reserved');
    expect(reserved.map((x) => x.bits)).toEqual(['1', '4', '5', '6', '8', '13', '14', '26']);
    expect(reserved[0]!.meaning).toBe('reserved, default1 (must be 1)');
    // Classroom: one line for them.
    const c = field(inspectVmcs(view(GUEST), { detail: 'classroom' }), 'CPU_BASED_VM_EXEC_CONTROL');
    expect(c.decoded!.parts.filter((x) => x.name === 'Reserved')).toEqual([]);
    expect(partOf(c, 'Reserved (default1)').bits).toBe('1, 4, 5, 6, 8, 13, 14, 26');
  });

  it('secondary controls say when primary bit 31 turns them off', () => {
    const off = inspectVmcs(view({ ...GUEST, SECONDARY_VM_EXEC_CONTROL: ProcBased2.ENABLE_EPT }), { detail: 'classroom' });
    expect(field(off, 'SECONDARY_VM_EXEC_CONTROL').decoded!.summary).toBe('Enable EPT; not in use: primary control bit 31 "Activate secondary controls" is 0');
    // A UI that lists the set bits instead of the summary still gets the warning.
    expect(field(off, 'SECONDARY_VM_EXEC_CONTROL').decoded!.remark).toBe('not in use: primary control bit 31 "Activate secondary controls" is 0');
    const on = inspectVmcs(
      view({ ...GUEST, CPU_BASED_VM_EXEC_CONTROL: PROC_BASED_DEFAULT1 | ProcBased.ACTIVATE_SECONDARY_CONTROLS, SECONDARY_VM_EXEC_CONTROL: ProcBased2.ENABLE_EPT | ProcBased2.UNRESTRICTED_GUEST }),
      { detail: 'classroom' },
    );
    expect(field(on, 'SECONDARY_VM_EXEC_CONTROL').decoded!.summary).toBe('Enable EPT, Unrestricted guest');
    expect(field(on, 'SECONDARY_VM_EXEC_CONTROL').decoded!.remark).toBeUndefined();
    expect(partOf(field(on, 'SECONDARY_VM_EXEC_CONTROL'), 'Unrestricted guest').bits).toBe('7');
  });

  it('exception bitmap: the vectors that exit', () => {
    const v = inspectVmcs(view({ ...GUEST, EXCEPTION_BITMAP: (1 << 14) | (1 << 1) }), { detail: 'classroom' });
    const f = field(v, 'EXCEPTION_BITMAP');
    expect(f.decoded!.summary).toBe('exit on #DB (1), #PF (14)');
    expect(partOf(f, '#PF')).toMatchObject({ bits: '14', meaning: '#PF page fault causes a VM exit' });
  });

  it('CR0/CR4: masks, read shadows and the guest and host registers by bit name', () => {
    const v = inspectVmcs(
      view({ ...GUEST, CR0_GUEST_HOST_MASK: 0x80000021, CR0_READ_SHADOW: 0x00000011, CR4_GUEST_HOST_MASK: 0x2000, HOST_CR4: 0x2020 }),
      { detail: 'classroom' },
    );
    expect(field(v, 'CR0_GUEST_HOST_MASK').decoded!.summary).toBe('host-owned bits: PE, NE, PG');
    expect(field(v, 'CR0_GUEST_HOST_MASK').decoded!.remark).toBe('host-owned bits:');
    expect(field(v, 'CR0_READ_SHADOW').decoded!.summary).toBe('guest reads as 1 (where host-owned): PE, ET');
    expect(field(v, 'CR4_GUEST_HOST_MASK').decoded!.summary).toBe('host-owned bits: VMXE');
    expect(field(v, 'GUEST_CR0').decoded!.summary).toBe('PE, ET, NE, PG');
    expect(partOf(field(v, 'GUEST_CR0'), 'PG').bits).toBe('31');
    expect(field(v, 'GUEST_CR4').decoded!.summary).toBe('VMXE');
    expect(field(v, 'HOST_CR4').decoded!.summary).toBe('PAE, VMXE');
  });

  it('guest RFLAGS, selectors, access rights, activity and interruptibility state', () => {
    const v = inspectVmcs(
      view({ ...GUEST, GUEST_ACTIVITY_STATE: 1, GUEST_INTERRUPTIBILITY_INFO: 1, GUEST_SS_AR_BYTES: 0x10000 }),
      { detail: 'classroom' },
    );
    expect(field(v, 'GUEST_RFLAGS').decoded!.summary).toBe('IF');
    expect(field(v, 'GUEST_CS_SELECTOR').decoded!.summary).toBe('GDT entry 1, RPL 0');
    expect(field(v, 'GUEST_CS_AR_BYTES').decoded!.summary).toBe('code, execute/read, accessed, DPL 0, 32-bit, 4K granular');
    expect(field(v, 'GUEST_SS_AR_BYTES').decoded!.summary).toBe('unusable');
    expect(field(v, 'GUEST_ACTIVITY_STATE').decoded!.summary).toBe('HLT');
    expect(field(v, 'GUEST_INTERRUPTIBILITY_INFO').decoded!.summary).toBe('blocked by STI');
    expect(field(v, 'VMCS_LINK_POINTER').decoded!.summary).toBe('not used (FFFFFFFF_FFFFFFFFH)');
    // RFLAGS bit 1 must be 1 (SDM Vol. 3C §26.3.1.4): a value without it says so.
    const bad = inspectVmcs(view({ ...GUEST, GUEST_RFLAGS: 0x200 }), { detail: 'classroom' });
    expect(partOf(field(bad, 'GUEST_RFLAGS'), 'Bit 1 (must be 1)').meaning).toBe('is 0: VM entry fails');
  });

  it('VM-entry interruption information: the event to inject', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_ENTRY_INTR_INFO_FIELD: encodeInterruptionInfo(6, 3, false) }), { detail: 'classroom' });
    const f = field(v, 'VM_ENTRY_INTR_INFO_FIELD');
    expect(f.decoded!.summary).toBe('inject #UD invalid opcode');
    expect(partOf(f, 'Deliver error code').meaning).toBe('no');
    expect(field(v, 'VM_ENTRY_EXCEPTION_ERROR_CODE').decoded!.summary).toMatch(/^not in use/);
  });

  it('EPT pointer', () => {
    const v = inspectVmcs(view({ ...GUEST, EPT_POINTER: [encodeEptp(0x5000, 6).lo, 0] }), { detail: 'classroom' });
    const f = field(v, 'EPT_POINTER');
    expect(f.valueHex).toBe('0x000000000000501E');
    expect(f.decoded!.summary).toBe('PML4 at 0x5000, WB, 4-level');
  });

  it('a reserved control bit that must be 0 is called out', () => {
    const v = inspectVmcs(view({ ...GUEST, PIN_BASED_VM_EXEC_CONTROL: PIN_BASED_DEFAULT1 | (1 << 9) }), { detail: 'classroom' });
    const f = field(v, 'PIN_BASED_VM_EXEC_CONTROL');
    expect(f.decoded!.remark).toBe('reserved bit 9 set (must be 0)');
    expect(partOf(f, 'Reserved')).toMatchObject({ bits: '9', meaning: 'reserved (must be 0)' });
  });

  it('Classroom drops the parts of an invalid interruption-information field and a part that repeats the summary', () => {
    const c = inspectVmcs(view(GUEST), { detail: 'classroom' });
    const e = inspectVmcs(view(GUEST), { detail: 'engineer' });
    expect(field(c, 'IDT_VECTORING_INFO_FIELD').decoded!.parts).toEqual([]);
    expect(partOf(field(e, 'IDT_VECTORING_INFO_FIELD'), 'Valid').meaning).toBe('no');
    expect(field(c, 'GUEST_ACTIVITY_STATE').decoded!.parts).toEqual([]);
    expect(partOf(field(e, 'GUEST_ACTIVITY_STATE'), 'Activity state').bits).toBe('31:0');
  });

  it('Classroom hides reserved parts that are 0; Engineer keeps them', () => {
    const values = { ...GUEST, VM_EXIT_INTR_INFO: encodeInterruptionInfo(14, 3, true) };
    const c = field(inspectVmcs(view(values), { detail: 'classroom' }), 'VM_EXIT_INTR_INFO');
    const e = field(inspectVmcs(view(values), { detail: 'engineer' }), 'VM_EXIT_INTR_INFO');
    expect(c.decoded!.parts.some((p) => p.name === 'Reserved')).toBe(false);
    expect(e.decoded!.parts.some((p) => p.name === 'Reserved')).toBe(true);
    expect(c.decoded!.summary).toBe(e.decoded!.summary);
  });
});

// ---------------------------------------------------------------- changed

describe('changed flags', () => {
  it('are all false when there is no snapshot before', () => {
    const v = inspectVmcs(view({ ...GUEST, VM_EXIT_REASON: 10 }), { detail: 'engineer' });
    expect(v.compared).toBe(false);
    expect(v.transition).toBeNull();
    expect(v.changedCount).toBe(0);
    expect(v.groups.every((g) => g.fields.every((f) => !f.changed && f.beforeHex === undefined))).toBe(true);
  });

  it('mark exactly the fields the VM exit wrote, with the old value', () => {
    const before = { ...GUEST, VM_EXIT_REASON: 12 };
    const now = { ...GUEST, VM_EXIT_REASON: 10, VM_EXIT_INSTRUCTION_LEN: 2, GUEST_RIP: 0x1010, GUEST_PHYSICAL_ADDRESS: [0, 1] as const };
    const v = inspectVmcs(view(now, before, { seq: 122, kind: VMEXIT }), { detail: 'engineer' });
    const changed = v.groups.flatMap((g) => g.fields.filter((f) => f.changed).map((f) => f.name));
    expect(changed).toEqual(['GUEST_RIP', 'VM_EXIT_REASON', 'GUEST_PHYSICAL_ADDRESS', 'VM_EXIT_INSTRUCTION_LEN']);
    expect(v.changedCount).toBe(4);
    expect(field(v, 'GUEST_RIP').beforeHex).toBe('0x00001000');
    expect(field(v, 'VM_EXIT_REASON').beforeHex).toBe('0x0000000C');
    // A change in the high half of a 64-bit field counts.
    expect(field(v, 'GUEST_PHYSICAL_ADDRESS').beforeHex).toBe('0x0000000000000000');
    expect(field(v, 'GUEST_RSP').changed).toBe(false);
    expect(field(v, 'GUEST_RSP').beforeHex).toBeUndefined();
    expect(v.transition).toEqual({ seq: 122, eventNumber: 123, kind: VMEXIT, label: 'VM exit' });
  });

  it('a VM entry that changed nothing has no changed field', () => {
    const v = inspectVmcs(view(GUEST, GUEST, { seq: 5, kind: VMENTRY }), { detail: 'classroom' });
    expect(v.compared).toBe(true);
    expect(v.changedCount).toBe(0);
    expect(v.transition!.label).toBe('VM entry');
  });
});

// ---------------------------------------------------------------- search

describe('searchVmcs', () => {
  const v = inspectVmcs(
    view({ ...GUEST, VM_EXIT_REASON: 30, EXIT_QUALIFICATION: 0x03f80000, VM_EXIT_INSTRUCTION_LEN: 1 }, GUEST, { seq: 3, kind: VMEXIT }),
    { detail: 'classroom' },
  );
  const names = (q: string) => allNames(searchVmcs(v, q));

  it('finds by name, title and encoding (with or without 0x), case-insensitively', () => {
    expect(names('guest_rip')).toEqual(['GUEST_RIP']);
    expect(names('Guest RIP')).toEqual(['GUEST_RIP']);
    expect(names('0x681e')).toEqual(['GUEST_RIP']);
    expect(names('681E')).toEqual(['GUEST_RIP']);
    expect(names('exit qualification')).toEqual(['EXIT_QUALIFICATION']);
    // Words match at word starts: "rip" is not found inside "descriptor".
    expect(names('rip')).toEqual(['GUEST_RIP', 'HOST_RIP', 'IO_RIP']);
    // Several words must all match, each anywhere in the field's texts.
    expect(names('guest cr').slice(0, 3)).toEqual(['GUEST_CR0', 'GUEST_CR3', 'GUEST_CR4']);
    expect(names('guest cr')).toContain('CR0_GUEST_HOST_MASK');
    expect(names('guest cr')).not.toContain('GUEST_RIP');
  });

  it('finds by value in hex and by decoded text', () => {
    expect(names('0x3F8')).toContain('EXIT_QUALIFICATION');
    expect(names('03F80000')).toEqual(['EXIT_QUALIFICATION']);
    expect(names('0xC0001000')).toEqual(['HOST_RIP']);
    expect(names('HLT exiting')).toEqual(['CPU_BASED_VM_EXEC_CONTROL']);
    expect(names('I/O instruction')).toContain('VM_EXIT_REASON');
    expect(names('out dx')).toEqual(['EXIT_QUALIFICATION']);
  });

  it('keeps the six areas and recounts', () => {
    const r = searchVmcs(v, 'no such field anywhere');
    expect(r.groups.map((g) => g.id)).toEqual(VMCS_GROUPS.map((g) => g.id));
    expect(r.fieldCount).toBe(0);
    const c = searchVmcs(v, 'exit reason');
    expect(c.fieldCount).toBe(allNames(c).length);
    expect(c.changedCount).toBe(allNames(c).filter((n) => field(v, n as VmcsFieldName).changed).length);
    expect(c.changedCount).toBeGreaterThan(0);
  });

  it('returns the inspected VMCS itself for an empty query', () => {
    expect(searchVmcs(v, '')).toBe(v);
    expect(searchVmcs(v, '   ')).toBe(v);
    expect(fieldMatches(field(v, 'GUEST_RIP'), '')).toBe(true);
  });
});

// ---------------------------------------------------------------- any value

describe('any VMCS contents', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const reason = fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 90 }).map((r) => (r | 0x80000000) >>> 0), u32);
  const snapshotArb = fc.tuple(fc.array(fc.tuple(u32, u32), { minLength: VMCS_FIELDS.length, maxLength: VMCS_FIELDS.length }), reason).map(([vals, r]) => {
    const values: Values = {};
    VMCS_FIELDS.forEach((f, i) => (values[f.name as VmcsFieldName] = vals[i]!));
    values.VM_EXIT_REASON = r;
    return values;
  });

  it('decodes without throwing, and every field is found by its name, encoding and value', () => {
    fc.assert(
      fc.property(snapshotArb, fc.constantFrom<'classroom' | 'engineer'>('classroom', 'engineer'), (values, detail) => {
        const v = inspectVmcs(view(values, values, { seq: 0, kind: VMEXIT }), { detail });
        expect(v.fieldCount).toBe(VMCS_FIELDS.length);
        expect(v.changedCount).toBe(0);
        for (const g of v.groups) {
          for (const f of g.fields) {
            if (f.decoded !== undefined) expect(typeof f.decoded.summary).toBe('string');
            const digits = f.valueHex.slice(2);
            const expected = f.width === 16 ? f.value.lo & 0xffff : f.width === 64 || f.value.hi !== 0 ? BigInt(f.value.hi) * 2n ** 32n + BigInt(f.value.lo) : f.value.lo;
            expect(BigInt('0x' + digits)).toBe(BigInt(expected));
            expect(fieldMatches(f, f.name)).toBe(true);
            expect(fieldMatches(f, f.encodingHex)).toBe(true);
            expect(fieldMatches(f, f.valueHex)).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
