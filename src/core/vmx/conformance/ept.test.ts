/**
 * EPT (SDM Vol. 3C §28.2; vmx.md §4 EPTP/entries, §5.4 violation qualification): translation of every
 * guest-physical access, EPT violations (reason 48: qualification bits 2:0 access, 5:3 permissions of the
 * translation, 7 linear address valid, 8 final translation vs. paging-structure access; guest-physical and
 * guest-linear address fields; KUT worked values 0x181, 0x18A, 0x19C), EPT misconfigurations (reason 49),
 * large pages, execute-only translations, INVEPT after fixing an entry, PDPTE fields, unrestricted guests.
 */
import { describe, expect, it } from 'vitest';
import { EPT_PT1, IDENTITY_EPT_SETUP, fillTable, MEM, MODELS, READ_EXIT_INFO, model, runHv, supports, vmr, type Field, type HvOptions, type ModelId, type RunResult } from './harness.ts';

const EPT_MODELS = MODELS.filter((m) => model(m).features.ept);
const cap = (cpu: ModelId, bit: number) => ((model(cpu).capabilityMsr(0x48c)!.lo >>> bit) & 1) === 1;
const EPTP = MEM.EPT_PML4 | 0x1e; // WB, 4-level walk
const PT1 = EPT_PT1; // second page table: GPAs 2–4 MiB
const EPT_SETUP = IDENTITY_EPT_SETUP;
/** Address of the leaf EPT entry for a GPA in 0–4 MiB. */
const pte = (gpa: number) => MEM.EPT_PT + (gpa >>> 12) * 8;
const READ_EPT_INFO = vmr('EXIT_QUALIFICATION') + vmr('GUEST_PHYSICAL_ADDRESS') + vmr(0x2401) + vmr('GUEST_LINEAR_ADDRESS') + vmr('GUEST_RIP') + '  hlt';
const ept = (cpu: ModelId, o: Omit<HvOptions, 'cpu'>): RunResult =>
  runHv({ cpu, ...o, proc2: 2 | (o.proc2 ?? 0), setup: EPT_SETUP + (o.setup ?? ''), fields: [['EPT_POINTER', EPTP], ...(o.fields ?? [])] });
const reasons = (r: RunResult): number[] => r.exits.map((e) => e.reason as number);

describe.each(EPT_MODELS)('EPT translation and violations (reason 48; SDM §28.2.3.2, Table 27-7) on %s', (cpu) => {
  it('a guest with an identity EPT runs (CPUID exit)', () => {
    expect(reasons(ept(cpu, { guest: '  mov eax, [0x3000]\n  mov [0x3004], eax\n  cpuid' }))).toEqual([10]);
  });
  it('read of a GPA with no EPT mapping: qualification 0x181, GPA and linear address', () => {
    const r = ept(cpu, { guest: '  mov eax, [0x500010]', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([48]);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x181);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x500010);
    expect(r.read(0x2401)).toBe(0);
    expect(r.read('GUEST_LINEAR_ADDRESS')).toBe(0x500010);
    expect(r.read('GUEST_RIP')).toBe(Number(r.exits[0].guestEip));
  });
  it('write to a read-only page: 0x18A', () => {
    const r = ept(cpu, { setup: `  mov dword [${pte(0x300000)}], 0x300031`, guest: '  mov dword [0x300008], 1', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([48]);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x18a);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x300008);
  });
  it('reading a read-only page is allowed', () => {
    expect(reasons(ept(cpu, { setup: `  mov dword [${pte(0x300000)}], 0x300031`, guest: '  mov eax, [0x300008]\n  cpuid' }))).toEqual([10]);
  });
  it('instruction fetch from a read/write, non-executable page: 0x19C', () => {
    const r = ept(cpu, { setup: `  mov dword [${pte(0x300000)}], 0x300033\n  mov byte [0x300000], 0x90`, guest: '  jmp 0x300000', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([48]);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x19c);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x300000);
    expect(r.read('GUEST_RIP')).toBe(0x300000);
  });
  it('permission bits 5:3 are the AND over all entries of the walk (a read-only PD entry)', () => {
    const r = ept(cpu, { setup: `  mov dword [${MEM.EPT_PD + 8}], ${PT1 | 1}`, guest: '  mov dword [0x300008], 1', handler: READ_EPT_INFO });
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x18a);
    const r2 = ept(cpu, { setup: `  mov dword [${MEM.EPT_PD + 8}], ${PT1 | 3}`, guest: '  jmp 0x300000', handler: READ_EPT_INFO });
    expect(r2.read('EXIT_QUALIFICATION')).toBe(0x19c);
  });
  it('a read-modify-write to a read-only page reports a write (bit 1)', () => {
    const r = ept(cpu, { setup: `  mov dword [${pte(0x300000)}], 0x300031`, guest: '  inc dword [0x300008]', handler: READ_EPT_INFO });
    expect(r.read('EXIT_QUALIFICATION')! & 0x2).toBe(2);
    expect(r.read('EXIT_QUALIFICATION')! & 0x38).toBe(0x8);
  });
  it('an access to a guest paging-structure entry: bit 7 set, bit 8 clear (GPA = the guest PDE)', () => {
    // The guest's page directory (GPA 0x2000) is not readable through EPT.
    const r = ept(cpu, { setup: `  mov dword [${pte(0x2000)}], 0`, guest: '  cpuid', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([48]);
    const q = r.read('EXIT_QUALIFICATION')!;
    expect(q & 0x180).toBe(0x80);
    expect(q & 0x38).toBe(0);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')! & ~0xfff).toBe(0x2000);
  });
  it('the guest page tables translate first: GPA = the guest-physical address, linear = the guest-linear address', () => {
    // Guest PDE 0x100 (linear 0x40000000) → guest-physical 0x00400000 (4-MiB page), which EPT does not map.
    const r = ept(cpu, { setup: '  mov dword [0x2000 + 0x100*4], 0x00400087', guest: '  mov eax, [0x40000123]', handler: READ_EPT_INFO });
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x400123);
    expect(r.read('GUEST_LINEAR_ADDRESS')).toBe(0x40000123);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x181);
  });
  it('the VMM fixes the entry, executes INVEPT and VMRESUMEs: the access then succeeds', () => {
    const r = ept(cpu, {
      setup: `  mov dword [${pte(0x300000)}], 0x300031`,
      guest: '  mov dword [0x300008], 0x55\n  cpuid',
      handler: `${vmr('VM_EXIT_REASON', 'ecx')}  cmp ecx, 48\n  jne fin\n  mov dword [${pte(0x300000)}], 0x300037\n  mov eax, 1\n  invept eax, [desc]\n  vmresume\nfin:\n  mov esi, [0x300008]\n  hlt`,
      data: `align 16\ndesc: dd ${EPTP}, 0, 0, 0`,
    });
    expect(reasons(r)).toEqual([48, 10]);
    expect(r.reg('esi')).toBe(0x55);
  });
  it('a fault-free EPT violation during event delivery sets the IDT-vectoring information', () => {
    // The guest IDT lives in a GPA page that EPT does not map.
    const r = ept(cpu, { fields: [['GUEST_IDTR_BASE', 0x500000], ['GUEST_IDTR_LIMIT', 0x7ff]], guest: '  int 0x21', handler: vmr('IDT_VECTORING_INFO_FIELD') + vmr('VM_EXIT_INSTRUCTION_LEN') + READ_EPT_INFO });
    expect(reasons(r)).toEqual([48]);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x500000 + 0x21 * 8);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000421);
    expect(r.read('VM_EXIT_INSTRUCTION_LEN')).toBe(2);
  });
});

describe.each(EPT_MODELS)('EPT misconfigurations (reason 49; SDM §28.2.3.1) on %s', (cpu) => {
  const mis = (entry: number, hi = 0, code = '  mov eax, [0x300008]') =>
    ept(cpu, { setup: `  mov dword [${pte(0x300000)}], ${entry >>> 0}\n  mov dword [${pte(0x300000) + 4}], ${hi >>> 0}`, guest: code, handler: READ_EPT_INFO });
  it('write permission without read (W = 1, R = 0) is a misconfiguration; GPA reported', () => {
    const r = mis(0x300032);
    expect(reasons(r)).toEqual([49]);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x300008);
    expect(reasons(mis(0x300036))).toEqual([49]);
  });
  it('an invalid leaf memory type (2, 3, 7) is a misconfiguration', () => {
    for (const t of [2, 3, 7]) expect(reasons(mis(0x300007 | (t << 3)))).toEqual([49]);
    for (const t of [0, 1, 4, 5, 6]) expect(reasons(mis(0x300007 | (t << 3), 0, '  mov eax, [0x300008]\n  cpuid'))).toEqual([10]);
  });
  it('a reserved physical-address bit (beyond MAXPHYADDR) is a misconfiguration', () => {
    const w = model(cpu).maxPhysAddr;
    expect(reasons(mis(0x300037, 1 << (w - 32)))).toEqual([49]);
  });
  it('reserved bits in a non-present entry are ignored: EPT violation, not misconfiguration (KUT ept_reserved_bit)', () => {
    const r = mis(0x300000 | 0x38, 1 << (model(cpu).maxPhysAddr - 32));
    expect(reasons(r)).toEqual([48]);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x181);
  });
  it('a reserved bit (7) in a PML4 entry is a misconfiguration', () => {
    const r = ept(cpu, { setup: `  or dword [${MEM.EPT_PML4}], 0x80`, guest: '  cpuid', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([49]);
  });
  it('execute-only (X = 1, R = W = 0): allowed for fetches iff IA32_VMX_EPT_VPID_CAP[0]; a read is a violation with X in bit 5', () => {
    const fetch = ept(cpu, { setup: `  mov dword [${pte(0x300000)}], 0x300034\n  mov word [0x300000], 0xa20f`, guest: '  jmp 0x300000' });
    const read = mis(0x300034);
    if (cap(cpu, 0)) {
      expect(reasons(fetch)).toEqual([10]);
      expect(reasons(read)).toEqual([48]);
      expect(read.read('EXIT_QUALIFICATION')).toBe(0x1a1);
    } else {
      expect(reasons(fetch)).toEqual([49]);
      expect(reasons(read)).toEqual([49]);
    }
  });
});

describe.each(EPT_MODELS)('EPT large pages (SDM §28.2.2) on %s', (cpu) => {
  it('2-MByte pages when IA32_VMX_EPT_VPID_CAP[16]; otherwise bit 7 in a PDE is a misconfiguration', () => {
    const r = ept(cpu, { setup: `  mov dword [${MEM.EPT_PD + 8}], 0x002000b7`, guest: '  mov eax, [0x300008]\n  cpuid', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual(cap(cpu, 16) ? [10] : [49]);
  });
  it('a 2-MByte page with reserved bits 20:12 set is a misconfiguration', () => {
    if (!cap(cpu, 16)) return;
    const r = ept(cpu, { setup: `  mov dword [${MEM.EPT_PD + 8}], 0x002010b7`, guest: '  mov eax, [0x300008]', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([49]);
  });
  it('1-GByte pages when IA32_VMX_EPT_VPID_CAP[17]', () => {
    const r = ept(cpu, { setup: `  mov dword [${MEM.EPT_PDPT}], 0x000000b7`, guest: '  mov eax, [0x500008]\n  cpuid', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual(cap(cpu, 17) ? [10] : [49]);
  });
});

describe.each(EPT_MODELS)('EPT and the guest PDPTEs (SDM §26.3.1.6, §27.3.4) on %s', (cpu) => {
  const pae = (pdpte0: number, pdpte0Hi = 0) => ({
    setup: `
  mov edi, ${MEM.EPT_PD + 0x1000 * 8}
  mov dword [${MEM.PAE_PDPT}], 0
`,
    fields: [
      ['GUEST_CR4', 0x2030],
      ['GUEST_CR3', MEM.PAE_PDPT],
      ['GUEST_PDPTR0', pdpte0],
      [0x280b, pdpte0Hi],
    ] as HvOptions['fields'],
  });
  it('with EPT, VM entry checks the PDPTE fields, not memory: a reserved bit → qualification 2', () => {
    const r = ept(cpu, { ...pae(MEM.SCRATCH | 0x3) });
    expect(r.exits[0].reason).toBe(33);
    expect(Number(r.exits[0].qualification)).toBe(2);
    expect(r.entries).toEqual([]);
  });
  it('valid PDPTE fields are loaded (the PDPT in memory is not read) and saved back on exit', () => {
    // PDPTE0 → a PAE page directory at 0x300000 built by the host: 2-MByte pages identity 0–1 GiB.
    const setup = '\n' + fillTable('pae_fill', 0x300000, 512, 21, 0x87);
    const r = ept(cpu, {
      setup,
      fields: [['GUEST_CR4', 0x2030], ['GUEST_CR3', MEM.PAE_PDPT], ['GUEST_PDPTR0', 0x300001]],
      guest: '  mov eax, [0x10000]\n  cpuid',
      handler: vmr('GUEST_PDPTR0') + '  hlt',
    });
    expect(reasons(r)).toEqual([10]);
    expect(r.read('GUEST_PDPTR0')).toBe(0x300001);
  });
});

describe.each(EPT_MODELS)('Accessed/dirty updates of guest paging structures under EPT without EPT A/D (KUT ept_access_test_paddr_*_ad_disabled) on %s', (cpu) => {
  // The guest's page directory (GPA 0x2000) is read-only in EPT (identity EPT, its EPT PTE = R, WB); PDE 0x100 maps
  // linear 0x40000000 as a 4-MiB page with A = 0 (or A = 1).
  const run = (pde: number) =>
    runHv({
      cpu,
      proc2: 2,
      setup: IDENTITY_EPT_SETUP + `  mov dword [0x2000 + 0x100*4], ${pde}\n  mov dword [${MEM.EPT_PT + (0x2000 >>> 12) * 8}], 0x2031\n`,
      fields: [['EPT_POINTER', MEM.EPT_PML4 | 0x1e]],
      guest: '  mov eax, [0x40003000]\n  cpuid',
      handler: READ_EPT_INFO,
    });
  it('setting A in the PDE is a read and a write of the entry: qualification 0x8B (read, write, readable, linear valid)', () => {
    const r = run(0x83);
    expect(reasons(r)).toEqual([48]);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x8b);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x2400);
    expect(r.read('GUEST_LINEAR_ADDRESS')).toBe(0x40003000);
  });
  it('with A already set a read needs no update: no EPT violation', () => {
    expect(reasons(run(0xa3))).toEqual([10]);
  });
});

/** A real-mode guest (CR0.PE = PG = 0, unrestricted guest) running `rm_code` (in the data area) at CS = 1000H. */
const REAL_MODE: Array<[Field, number | string]> = [
  ['GUEST_CR0', 0x30],
  ['GUEST_CS_SELECTOR', 0x1000],
  ['GUEST_CS_BASE', 0x10000],
  ['GUEST_CS_LIMIT', 0xffff],
  ['GUEST_CS_AR_BYTES', 0x9b],
  ...(['SS', 'DS', 'ES', 'FS', 'GS'] as const).flatMap((s): Array<[Field, number]> => [
    [`GUEST_${s}_SELECTOR`, 0],
    [`GUEST_${s}_LIMIT`, 0xffff],
    [`GUEST_${s}_AR_BYTES`, 0x93],
  ]),
  ['GUEST_RIP', 'rm_code - 0x10000'],
  ['GUEST_RSP', 0x7000],
];

describe.each(EPT_MODELS.filter((m) => model(m).features.unrestrictedGuest))('Unrestricted guest (secondary bit 7) on %s', (cpu) => {
  it('CR0.PG = 0 is allowed: guest-linear = guest-physical, translated by EPT', () => {
    const r = ept(cpu, { proc2: 0x80, fields: [['GUEST_CR0', 0x31]], guest: '  mov eax, [0x500000]', handler: READ_EPT_INFO });
    expect(reasons(r)).toEqual([48]);
    expect(r.read('GUEST_PHYSICAL_ADDRESS')).toBe(0x500000);
  });
  it('CR0.PE = 0 and PG = 0 (real mode) is allowed; PG = 1 with PE = 0 is not', () => {
    const rm = ept(cpu, {
      proc2: 0x80,
      fields: REAL_MODE,
      data: 'rm_code:\n  cpuid',
    });
    expect(reasons(rm)).toEqual([10]);
    const bad = ept(cpu, { proc2: 0x80, fields: [['GUEST_CR0', 0x80000030]] });
    expect(reasons(bad)).toEqual([33]);
  });
  it('real-address mode: an intercepted #GP and an event interrupted by an EPT violation report no error code (bit 11 = 0; SDM §27.2.2, §27.2.3; Bochs push_error)', () => {
    // A word read at DS:FFFF crosses the 64-KiB limit: #GP(0), intercepted by the exception bitmap.
    const gp = ept(cpu, { proc2: 0x80, fields: [...REAL_MODE, ['EXCEPTION_BITMAP', 1 << 13]], data: 'rm_code:\n  db 0xa1, 0xff, 0xff\n  hlt', handler: READ_EXIT_INFO + '  hlt' });
    expect(reasons(gp)).toEqual([0]);
    expect(gp.read('VM_EXIT_INTR_INFO')! >>> 0).toBe(0x8000030d);
    // The same #GP delivered through an IVT whose page EPT does not map: IDT-vectoring information without bit 11.
    const viaIvt = ept(cpu, { proc2: 0x80, fields: [...REAL_MODE, ['GUEST_IDTR_BASE', 0x600000], ['GUEST_IDTR_LIMIT', 0x3ff]], data: 'rm_code:\n  db 0xa1, 0xff, 0xff\n  hlt', handler: READ_EXIT_INFO + '  hlt' });
    expect(reasons(viaIvt)).toEqual([48]);
    expect(viaIvt.read('IDT_VECTORING_INFO_FIELD')! >>> 0).toBe(0x8000030d);
  });
  it('without unrestricted guest, CR0.PG = 0 fails the guest-state checks', () => {
    expect(reasons(ept(cpu, { fields: [['GUEST_CR0', 0x31]] }))).toEqual([33]);
  });
});

describe.each(EPT_MODELS)('EPT with VPID: TLB tagging survives VM exits (SDM §28.3) on %s', (cpu) => {
  it('a guest with VPID 1 runs and INVVPID single-context succeeds from the host', () => {
    if (!supports(cpu, 0x48b, 5)) return;
    const r = ept(cpu, {
      proc2: 0x20,
      fields: [['VIRTUAL_PROCESSOR_ID', 1]],
      guest: '  mov eax, [0x3000]\n  cpuid',
      handler: '  mov eax, 1\n  invvpid eax, [desc]\n  hlt',
      data: 'align 16\ndesc: dd 1, 0, 0, 0',
    });
    expect(reasons(r)).toEqual([10]);
    expect(r.fails).toEqual([]);
  });
});
