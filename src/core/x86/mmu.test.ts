/**
 * Paging (mmu.ts, the TLB in cpu.ts, MOV CR0/CR3/CR4 and INVLPG in exec/system.ts): #PF error codes and
 * CR2, accessed and dirty flags, CR0.WP, 4-MByte pages, PAE paging with its PDPTE registers and
 * execute-disable, and TLB semantics (a stale translation stays visible until INVLPG or a CR3 write;
 * global pages survive CR3 writes). Sources: SDM Vol. 3A Ch. 4 (§4.3, §4.4, §4.6, §4.7, §4.8, §4.10).
 */
import { describe, expect, test } from 'vitest';
import { KERNEL, deliveries, runKernel, toRing3, type BareResult } from '../../test-support/bare.ts';
import type { BareMachine } from '../machine/bare.ts';

const PD = 0x2000; // the bare machine's page directory (identity, 4-MByte pages, flags 0x87)
const PT = 0x40000; // a page table for the first 4 MiB (tests split PDE 0)
const PT1 = 0x41000; // a page table for 4–8 MiB
const P = 1, W = 2, U = 4, PS = 0x80, A = 0x20, D = 0x40, G = 0x100;

/** Replaces 4-MByte PDE `k` by a page table at `pt` that maps the same 4 MiB with 4-KByte pages and `flags`. */
function split(m: BareMachine, k: number, pt: number, flags = P | W | U): void {
  m.mem.write32(PD + 4 * k, pt | P | W | U);
  for (let i = 0; i < 1024; i++) m.mem.write32(pt + 4 * i, ((k << 22) + (i << 12)) | flags);
}
const pte = (m: BareMachine, pt: number, lin: number, v: number): void => m.mem.write32(pt + 4 * ((lin >>> 12) & 0x3ff), v);
const fault = (r: BareResult): [number, number | null, number, number] | undefined => deliveries(r.events).find((d) => d[0] !== 0x81);

describe('#PF error codes and CR2 (SDM Vol. 3A §4.7, Figure 4-12)', () => {
  // Page 0x400000+0x5000: varied per test. 4-KiB pages for 4–8 MiB.
  const LIN = 0x405000;
  const with_ = (v: number) => (m: BareMachine): void => {
    split(m, 1, PT1);
    pte(m, PT1, LIN, v);
  };
  test('not present: read → 0, write → W', () => {
    const rd = runKernel(`at: mov eax, [${LIN + 0x10}]`, with_(0));
    expect(fault(rd)).toEqual([14, 0, 0, 0]);
    expect(rd.cpu.cr2).toBe(LIN + 0x10);
    expect(rd.read32(rd.esp + 4)).toBe(rd.sym.at);
    expect(fault(runKernel(`mov dword [${LIN + 0x20}], 1`, with_(0)))).toEqual([14, W, 0, 0]);
  });
  test('a not-present page table (PDE P = 0) faults the same way', () => {
    const r = runKernel(`mov eax, [${0x800123}]`, (m) => m.mem.write32(PD + 8, 0x800000 | PS | W)); // P = 0
    expect(fault(r)).toEqual([14, 0, 0, 0]);
    expect(r.cpu.cr2).toBe(0x800123);
  });
  test('user access to a supervisor page: P | U (read), P | W | U (write)', () => {
    const setup = with_(LIN | P | W);
    const ds = 'mov ax, 0x23\nmov ds, ax\n';
    expect(fault(runKernel(`${toRing3()}${ds}mov eax, [${LIN}]`, setup))).toEqual([14, P | U, 3, 0]);
    expect(fault(runKernel(`${toRing3()}${ds}mov dword [${LIN}], 1`, setup))).toEqual([14, P | W | U, 3, 0]);
  });
  test('the U/S and R/W of the PDE count too (the most restrictive level wins, SDM §4.6.1)', () => {
    const r = runKernel(`${toRing3()}mov ax, 0x23\nmov ds, ax\nmov eax, [${LIN}]`, (m) => {
      split(m, 1, PT1);
      m.mem.write32(PD + 4, PT1 | P | W); // PDE: supervisor
    });
    expect(fault(r)).toEqual([14, P | U, 3, 0]);
  });
  test('user write to a read-only user page: P | W | U', () => {
    const r = runKernel(`${toRing3()}mov ax, 0x23\nmov ds, ax\nmov eax, [${LIN}]\nmov [${LIN}], eax`, with_(LIN | P | U));
    expect(fault(r)).toEqual([14, P | W | U, 3, 0]);
  });
  test('a user instruction fetch from a supervisor page: P | U (no I/D bit without execute-disable)', () => {
    const r = runKernel(`${toRing3()}jmp ${LIN}`, (m) => {
      with_(LIN | P | W)(m);
      m.mem.write8(LIN, 0x90);
    });
    expect(fault(r)).toEqual([14, P | U, 3, 0]);
    expect(r.cpu.cr2).toBe(LIN);
  });
  test('a supervisor write to a read-only page: allowed with CR0.WP = 0, P | W with CR0.WP = 1 (SDM §4.6.1)', () => {
    const setup = with_(LIN | P | U);
    const ok = runKernel(`mov dword [${LIN}], 0x1234`, setup);
    expect(fault(ok)).toBeUndefined();
    expect(ok.read32(LIN)).toBe(0x1234);
    const wp = runKernel(`mov eax, cr0\nor eax, 0x10000\nmov cr0, eax\nmov dword [${LIN}], 0x1234`, setup);
    expect(fault(wp)).toEqual([14, P | W, 0, 0]);
  });
  test('implicit supervisor accesses from ring 3 (the GDT, IDT, TSS) ignore U/S', () => {
    // Make the page holding the GDT/IDT/TSS supervisor-only: ring-3 INT 0x81 still works.
    const r = runKernel(`${toRing3()}int 0x81`, (m) => {
      split(m, 0, PT);
      for (const a of [0x1000, KERNEL.GDT, KERNEL.IDT]) pte(m, PT, a, a | P | W);
    });
    expect(deliveries(r.events)).toEqual([[0x81, null, 3, 0]]);
  });
  test('reserved bits in a 4-MByte PDE: P | RSVD (SDM Table 4-4)', () => {
    const r = runKernel('mov eax, [0x800000]', (m) => m.mem.write32(PD + 8, 0x800000 | (1 << 21) | PS | W | P));
    expect(fault(r)).toEqual([14, P | 8, 0, 0]);
    const w = runKernel('mov dword [0x800000], 0', (m) => m.mem.write32(PD + 8, 0x800000 | (1 << 21) | PS | W | P));
    expect(fault(w)).toEqual([14, P | W | 8, 0, 0]);
  });
  test('without PSE-36 (CPUID.01H:EDX[17] = 0, as the models report it) PDE bits 20:13 are reserved too (§4.1.4)', () => {
    const r = runKernel('mov eax, 1\ncpuid\nmov esi, edx\nmov eax, [0x800000]', (m) => m.mem.write32(PD + 8, 0x800000 | (1 << 13) | PS | W | P));
    expect(r.esi & (1 << 17)).toBe(0);
    expect(fault(r)).toEqual([14, P | 8, 0, 0]);
  });
});

describe('accessed and dirty flags (SDM Vol. 3A §4.8)', () => {
  const LIN = 0x406000;
  test('a read sets A in the PDE and the PTE; a write sets D in the PTE', () => {
    const setup = (m: BareMachine): void => split(m, 1, PT1);
    const rd = runKernel(`mov eax, [${LIN}]`, setup);
    expect(rd.read32(PD + 4) & A).toBe(A);
    expect(rd.read32(PT1 + 4 * 6) & (A | D)).toBe(A);
    const wr = runKernel(`mov eax, [${LIN}]\nmov [${LIN}], eax`, setup);
    expect(wr.read32(PT1 + 4 * 6) & (A | D)).toBe(A | D);
    expect(wr.read32(PD + 4) & D).toBe(0); // D exists only in the entry that maps the page
  });
  test('a 4-MByte page records A and D in the PDE', () => {
    const r = runKernel('mov eax, [0x800000]\nmov ebx, [PD_ENTRY]\nmov [0x800004], eax\nhlt_here: mov ecx, [PD_ENTRY]'.replaceAll('PD_ENTRY', String(PD + 8)));
    expect(r.ebx & (A | D)).toBe(A);
    expect(r.ecx & (A | D)).toBe(A | D);
  });
  test('D is set on the first write even when a read already cached the translation', () => {
    const r = runKernel(`mov eax, [${LIN}]\nmov ebx, [${PT1 + 4 * 6}]\nmov [${LIN}], eax\nmov ecx, [${PT1 + 4 * 6}]`, (m) => split(m, 1, PT1));
    expect([r.ebx & D, r.ecx & D]).toEqual([0, D]);
  });
});

describe('4-MByte pages (SDM Vol. 3A §4.3, CR4.PSE)', () => {
  test('a PDE with PS maps 4 MiB: linear 0xC00000 → physical 0x400000', () => {
    const r = runKernel('mov dword [0x400010], 0xfeed\nmov eax, [0xC00010]', (m) => m.mem.write32(PD + 12, 0x400000 | PS | W | P));
    expect(r.eax).toBe(0xfeed);
  });
  test('with CR4.PSE = 0 the PS bit is ignored and the PDE points to a page table', () => {
    // PDE 3 = 0x41000 | PS: with PSE off it is a page-table pointer; PT1 maps 0xC05000 → physical 0x20000.
    const r = runKernel('mov eax, cr4\nand eax, ~0x10\nmov cr4, eax\nmov eax, [0xC05000]', (m) => {
      // The code, stack and tables need PDE 0 as a page table too once PSE is off.
      split(m, 0, PT);
      m.mem.write32(PD + 12, PT1 | PS | W | P);
      for (let i = 0; i < 1024; i++) m.mem.write32(PT1 + 4 * i, 0);
      m.mem.write32(PT1 + 4 * 5, 0x20000 | W | P);
      m.mem.write32(0x20000, 0xabcdef);
    });
    expect(fault(r)).toBeUndefined();
    expect(r.eax).toBe(0xabcdef);
  });
});

describe('TLB semantics (SDM Vol. 3A §4.10.2–4.10.4)', () => {
  const LIN = 0x407000;
  const setup = (m: BareMachine): void => {
    split(m, 1, PT1);
    m.mem.write32(0x20000, 0xaaaa);
    m.mem.write32(0x30000, 0xbbbb);
    pte(m, PT1, LIN, 0x20000 | P | W);
  };
  const remap = `mov dword [${PT1 + 4 * 7}], 0x30000 | 3`;
  test('a translation changed in memory stays cached until INVLPG', () => {
    const r = runKernel(`mov eax, [${LIN}]\n${remap}\nmov ebx, [${LIN}]\ninvlpg [${LIN}]\nmov ecx, [${LIN}]`, setup);
    expect([r.eax, r.ebx, r.ecx]).toEqual([0xaaaa, 0xaaaa, 0xbbbb]);
  });
  test('a page made not-present stays usable until invalidated; afterwards it faults', () => {
    const r = runKernel(`mov eax, [${LIN}]\nmov dword [${PT1 + 4 * 7}], 0\nmov ebx, [${LIN}]\ninvlpg [${LIN}]\nat: mov ecx, [${LIN}]`, setup);
    expect(r.ebx).toBe(0xaaaa);
    expect(fault(r)).toEqual([14, 0, 0, 0]);
  });
  test('INVLPG of another page leaves this one cached', () => {
    const r = runKernel(`mov eax, [${LIN}]\n${remap}\ninvlpg [${LIN + 0x1000}]\nmov ebx, [${LIN}]`, setup);
    expect(r.ebx).toBe(0xaaaa);
  });
  test('a MOV to CR3 flushes non-global translations (even with the same value)', () => {
    const r = runKernel(`mov eax, [${LIN}]\n${remap}\nmov edx, cr3\nmov cr3, edx\nmov ebx, [${LIN}]`, setup);
    expect(r.ebx).toBe(0xbbbb);
  });
  test('global pages (CR4.PGE and G) survive a CR3 write; INVLPG or clearing CR4.PGE drops them', () => {
    const g = (m: BareMachine): void => {
      setup(m);
      pte(m, PT1, LIN, 0x20000 | P | W | G);
    };
    const pge = 'mov edx, cr4\nor edx, 0x80\nmov cr4, edx\n';
    const kept = runKernel(`${pge}mov eax, [${LIN}]\n${remap}\nmov edx, cr3\nmov cr3, edx\nmov ebx, [${LIN}]`, g);
    expect(kept.ebx).toBe(0xaaaa);
    const inv = runKernel(`${pge}mov eax, [${LIN}]\n${remap}\ninvlpg [${LIN}]\nmov ebx, [${LIN}]`, g);
    expect(inv.ebx).toBe(0xbbbb);
    const off = runKernel(`${pge}mov eax, [${LIN}]\n${remap}\nmov edx, cr4\nand edx, ~0x80\nmov cr4, edx\nmov ebx, [${LIN}]`, g);
    expect(off.ebx).toBe(0xbbbb);
    // Without CR4.PGE the G bit means nothing: a CR3 write flushes the page.
    const noPge = runKernel(`mov eax, [${LIN}]\n${remap}\nmov edx, cr3\nmov cr3, edx\nmov ebx, [${LIN}]`, g);
    expect(noPge.ebx).toBe(0xbbbb);
  });
  test('INVLPG of any address in a 4-MByte page drops every cached part of it (SDM §4.10.4.1)', () => {
    const r = runKernel(`
      mov eax, [0x800000]
      mov eax, [0x9FF000]          ; two 4-KiB slices of one 4-MiB page cached
      mov dword [${PD + 8}], 0xC00000 | 0x83
      invlpg [0x800000]
      mov ebx, [0x9FF000]          ; the other slice must see the new PDE too
    `, (m) => {
      m.mem.write32(PD + 8, 0x400000 | PS | W | P);
      m.mem.write32(0x400000 + 0x1ff000, 0x1111);
      m.mem.write32(0xc00000 + 0x1ff000, 0x2222);
    });
    expect(r.ebx).toBe(0x2222);
  });
  test('a write through a stale read-only translation is checked again against memory', () => {
    // The TLB grants only what was checked: a cached read does not allow a write to skip the walk.
    const r = runKernel(`mov eax, cr0\nor eax, 0x10000\nmov cr0, eax\nmov eax, [${LIN}]\nmov dword [${PT1 + 4 * 7}], 0x20000 | 1\nat: mov [${LIN}], eax`, setup);
    expect(fault(r)).toEqual([14, P | W, 0, 0]);
  });
});

describe('PAE paging (SDM Vol. 3A §4.4)', () => {
  const PDPT = 0x50000;
  const PD0 = 0x51000;
  const PD1 = 0x52000;
  const PTX = 0x53000;
  /** PDPTE 0: identity 2-MiB pages for the first GiB; PDPTE 1: linear 0x4000_0000 → a 4-KiB page table. */
  const pae = (m: BareMachine): void => {
    for (let k = 0; k < 0x80; k++) m.mem.write32(PDPT + 4 * k, 0);
    m.mem.write32(PDPT, PD0 | P);
    m.mem.write32(PDPT + 8, PD1 | P);
    for (let i = 0; i < 512; i++) {
      m.mem.write32(PD0 + 8 * i, (i << 21) | PS | W | P | U);
      m.mem.write32(PD0 + 8 * i + 4, 0);
      m.mem.write32(PD1 + 8 * i, 0);
      m.mem.write32(PD1 + 8 * i + 4, 0);
      m.mem.write32(PTX + 8 * i, 0);
      m.mem.write32(PTX + 8 * i + 4, 0);
    }
    m.mem.write32(PD1, PTX | W | P);
    m.mem.write32(PTX + 8 * 3, 0x20000 | W | P); // 0x4000_3000 → 0x20000
    m.mem.write32(0x20000, 0x600df00d);
  };
  const enable = `
      mov eax, cr0
      and eax, 0x7FFFFFFF
      mov cr0, eax           ; paging off (the code is identity-mapped)
      mov eax, ${PDPT}
      mov cr3, eax
      mov eax, cr4
      or eax, 0x20
      mov cr4, eax           ; PAE
      mov eax, cr0
      or eax, 0x80000000
      mov cr0, eax           ; paging on: the PDPTEs are loaded now
  `;
  test('2-MiB and 4-KiB pages translate through PDPTE, PDE, PTE', () => {
    const r = runKernel(`${enable}\nmov eax, [0x40003000]\nmov ebx, [0x20000]`, pae);
    expect(fault(r)).toBeUndefined();
    expect([r.eax, r.ebx]).toEqual([0x600df00d, 0x600df00d]);
  });
  test('the PDPTEs are registers: editing PDPTE 1 in memory changes nothing until CR3 is loaded again (§4.4.1)', () => {
    const r = runKernel(`${enable}
      mov dword [${PDPT + 8}], 0       ; PDPTE 1 not present in memory…
      invlpg [0x40003000]
      mov eax, [0x40003000]            ; … but the register still has it
      mov ecx, cr3
      mov cr3, ecx                     ; reload: now PDPTE 1 is not present
      at: mov ebx, [0x40003000]`, pae);
    expect(r.eax).toBe(0x600df00d);
    expect(fault(r)).toEqual([14, 0, 0, 0]);
    expect(r.cpu.cr2).toBe(0x40003000);
  });
  test('a PDPTE with reserved bits set makes MOV CR3 (and enabling paging) #GP(0)', () => {
    const bad = (m: BareMachine): void => {
      pae(m);
      m.mem.write32(PDPT + 8, PD1 | P | 0x4); // bit 2 is reserved in a PDPTE
    };
    const r = runKernel(enable, bad);
    expect(fault(r)).toEqual([13, 0, 0, 0]);
    expect(r.cpu.cr0 & 0x80000000).toBe(0); // paging stayed off
  });
  test('reserved bits above MAXPHYADDR in a PAE PTE: P | RSVD', () => {
    const r = runKernel(`${enable}\nmov eax, [0x40003000]`, (m) => {
      pae(m);
      m.mem.write32(PTX + 8 * 3 + 4, 1 << 12); // physical-address bit 44 > MAXPHYADDR (40)
    });
    expect(fault(r)).toEqual([14, P | 8, 0, 0]);
  });
  test('execute-disable: with EFER.NXE, bit 63 forbids fetches (error code P | I/D); without NXE bit 63 is reserved', () => {
    const xd = (m: BareMachine): void => {
      pae(m);
      m.mem.write32(PTX + 8 * 3 + 4, 0x80000000);
      m.mem.write8(0x20000, 0xc3);
    };
    const nxe = 'mov ecx, 0xC0000080\nrdmsr\nor eax, 0x800\nwrmsr\n';
    const r = runKernel(`${nxe}${enable}\nmov eax, [0x40003000]\ncall 0x40003000`, xd);
    expect(fault(r)).toEqual([14, P | 16, 0, 0]);
    expect(r.eax).toBe(0x600df0c3); // data reads are still allowed
    const rsvd = runKernel(`${enable}\nmov eax, [0x40003000]`, xd);
    expect(fault(rsvd)).toEqual([14, P | 8, 0, 0]);
  });
});
