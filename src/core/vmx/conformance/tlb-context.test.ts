/**
 * What a VPID's cached translations may be reused for (SDM Vol. 3C §28.3.1–28.3.2): only with the same EP4TA and
 * with EPT still in use; and CR0.WP applies at each access (SDM Vol. 3A §4.10.2.2), so a VM entry that loads a
 * guest CR0 with WP set must not keep a write permission cached under WP = 0. Without VPID every VM entry flushes
 * anyway; the cases run both ways. (vmx/entry.ts tlbContextKey, Cpu.tlbEnsureContext.)
 */
import { describe, expect, it } from 'vitest';
import { EPT_PT1, IDENTITY_EPT_SETUP, MEM, runHv, vmr, vmw, type Field } from './harness.ts';

const CPUS = ['nehalem', 'modern'] as const; // the models with EPT and VPID
const B_PML4 = 0x11a000, B_PDPT = 0x11b000, B_PD = 0x11c000, B_PT1 = 0x11d000;
// EPT A identity-maps the first 4 MiB of guest-physical memory; EPT B is the same except GPA 0x300000 → 0x301000.
const TWO_EPTS = `${IDENTITY_EPT_SETUP}
  mov dword [${B_PML4}], ${B_PDPT | 7}
  mov dword [${B_PDPT}], ${B_PD | 7}
  mov dword [${B_PD}], ${MEM.EPT_PT | 7}
  mov dword [${B_PD + 8}], ${B_PT1 | 7}
  mov esi, ${EPT_PT1}
  mov edi, ${B_PT1}
  mov ecx, 1024
  cld
  rep movsd
  mov dword [${B_PT1 + 0x100 * 8}], 0x301037
  mov dword [0x300008], 0x1111
  mov dword [0x301008], 0x2222
`;
/** At the first CPUID exit: skip the CPUID, run `change`, resume; at the second: keep the reason in EBP and halt. */
const onceThenHalt = (change: string): string => `
  mov esi, eax
  mov ecx, [count]
  inc ecx
  mov [count], ecx
  cmp ecx, 1
  jne fin
  mov [first], esi
${vmr('GUEST_RIP', 'ebx')}  add ebx, 2
  mov eax, 0x681e
  vmwrite eax, ebx
${change}  vmresume
fin:
  mov edi, [first]
${vmr('VM_EXIT_REASON', 'ebp')}${vmr('VM_EXIT_INTR_INFO', 'edx')}  hlt
`;
const DATA = 'align 4\ncount: dd 0\nfirst: dd 0';
const vpid = (on: boolean): ReadonlyArray<readonly [Field, number]> => (on ? [['VIRTUAL_PROCESSOR_ID', 1]] : []);

describe.each(CPUS)('cached translations and the EPT context (SDM Vol. 3C §28.3.1) on %s', (cpu) => {
  for (const withVpid of [true, false]) {
    it(`a new EPTP without INVEPT: the guest reads through the new EPT (VPID ${withVpid ? 'on' : 'off'})`, () => {
      const r = runHv({
        cpu, proc2: 2 | (withVpid ? 0x20 : 0), setup: TWO_EPTS,
        fields: [['EPT_POINTER', MEM.EPT_PML4 | 0x1e], ...vpid(withVpid)],
        guest: '  mov eax, [0x300008]\n  cpuid\n  mov eax, [0x300008]\n  cpuid',
        handler: onceThenHalt(vmw('EPT_POINTER', B_PML4 | 0x1e)), data: DATA,
      });
      expect(r.exits.map((e) => e.reason)).toEqual([10, 10]);
      expect([r.reg('edi'), r.reg('esi')]).toEqual([0x1111, 0x2222]);
    });
  }
  it('EPT turned off (same VPID): the guest reads through its own paging again, not a combined mapping', () => {
    const r = runHv({
      cpu, proc2: 2 | 0x20, setup: TWO_EPTS,
      fields: [['EPT_POINTER', B_PML4 | 0x1e], ...vpid(true)],
      guest: '  mov eax, [0x300008]\n  cpuid\n  mov eax, [0x300008]\n  cpuid',
      handler: onceThenHalt(vmr('SECONDARY_VM_EXEC_CONTROL', 'ebx') + '  and ebx, 0xfffffffd\n  mov eax, 0x401e\n  vmwrite eax, ebx\n'),
      data: DATA,
    });
    expect([r.reg('edi'), r.reg('esi')]).toEqual([0x2222, 0x1111]);
  });
});

describe.each(CPUS)('CR0.WP loaded by VM entry applies to cached translations (SDM Vol. 3A §4.10.2.2, §4.6) on %s', (cpu) => {
  for (const withVpid of [true, false]) {
    it(`a supervisor write to a read-only page, allowed with WP = 0, faults once the VMM sets GUEST_CR0.WP (VPID ${withVpid ? 'on' : 'off'})`, () => {
      const r = runHv({
        cpu, proc2: withVpid ? 0x20 : 0,
        // PDE 0x100: a 4-MByte supervisor, read-only, dirty page at 0x40000000.
        setup: '  mov dword [0x2000+0x100*4], 0x004000e1\n',
        fields: [['EXCEPTION_BITMAP', 1 << 14], ...vpid(withVpid)],
        guest: '  mov dword [0x40000010], 1\n  cpuid\n  mov dword [0x40000010], 2\n  cpuid',
        handler: onceThenHalt(vmr('GUEST_CR0', 'ebx') + '  or ebx, 0x10000\n  mov eax, 0x6800\n  vmwrite eax, ebx\n'),
        data: DATA,
      });
      expect(r.exits.map((e) => e.reason)).toEqual([10, 0]);
      expect(r.reg('edx') >>> 0).toBe(0x80000b0e); // #PF, hardware exception, error code valid
    });
  }
});
