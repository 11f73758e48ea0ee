/**
 * The paravirtual VMM: a ported kernel runs and matches the native run of the original; the unmodified kernel is
 * crashed the way Xen crashes it; each hypercall does what docs/paravirt-abi.md says; masking events is a plain
 * store that never traps, and so the POPF race that breaks trap-and-emulate cannot happen; snapshots resume
 * identically.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runLab } from '../../lab/run.ts';
import { JsonSink, type TraceRecord } from '../../trace/json.ts';
import { withMode } from '../../scenarios/index.ts';
import { SCENARIO_SOURCES } from '../../scenarios/sources.generated.ts';
import { runOnSoftwareVmm } from '../deprivileged/lab.ts';
import { paravirtVmmFor, runOnParavirtVmm } from './lab.ts';
import { pvSourceDiff } from './diff.ts';
import { DOMID_SELF, EINVAL, ENOSYS, EPERM, PV_ABI_VERSION, SHARED_INFO } from './abi.ts';
import type { ParavirtVmm } from './vmm.ts';

const here = dirname(fileURLToPath(import.meta.url));
const KERNEL = SCENARIO_SOURCES['kernel.s'];
const KERNEL_PV = readFileSync(join(here, '../../scenarios/guest/paravirt/kernel-pv.s'), 'utf8');
const SENSITIVE = SCENARIO_SOURCES['sensitive.s'];

function records(source: string, opts: { maxSteps?: number } = {}): { end: TraceRecord; recs: TraceRecord[]; vmm: ParavirtVmm; sym: Record<string, number> } {
  const recs: TraceRecord[] = [];
  const r = runOnParavirtVmm(source, { trace: new JsonSink((x) => recs.push(x)), maxSteps: opts.maxSteps ?? 2_000_000 });
  if (!r.ok) throw new Error(`assembly failed: ${JSON.stringify(r.errors[0])}`);
  return { end: r.end, recs, vmm: r.vmm, sym: r.symbols };
}

const nativeKernel = (() => {
  const recs: TraceRecord[] = [];
  const r = runLab(withMode(KERNEL, 'bare'), { trace: new JsonSink((x) => recs.push(x)) });
  if (!r.ok) throw new Error('kernel.s failed');
  return { end: r.end, console: recs.filter((x) => x.type === 'console').map((x) => x.text as string).join('') };
})();
const pvKernel = records(KERNEL_PV, { maxSteps: 10_000_000 });

/** A tiny ported guest: hypercall helpers and data around `body` (runs at ring 1 with paging off). */
function guest(body: string, data = ''): string {
  return `; @mode guest
start:
${body}
        mov     eax, 29                 ; sched_op(shutdown, poweroff)
        mov     ebx, 2
        mov     ecx, off_reason
        int     0x82
        jmp     $
off_reason:     dd 0
${data}
`;
}

describe('the ported kernel (kernel-pv.s) on the paravirtual VMM', () => {
  it('prints what kernel.s prints natively, except the two lines that name a mechanism the port replaced', () => {
    const pvLines = pvKernel.vmm.consoleText.split('\n');
    const nativeLines = nativeKernel.console.split('\n');
    expect(pvLines.length).toBe(nativeLines.length);
    const differing = pvLines.flatMap((l, k) => (l === nativeLines[k] ? [] : [[nativeLines[k], l]]));
    expect(differing).toEqual([
      ['  GDT loaded, TR = 0x28', '  kernel stack registered with the VMM (stack_switch)'],
      ['  4-MiB page at 0xC0000000 aliases physical 0: OK', '  4-MiB region at 0xC0000000 aliases physical 0: OK'],
    ]);
  });

  it("passes the kernel's own self-checks: the alias, the ring-3 task, the tick and system-call counts", () => {
    const text = pvKernel.vmm.consoleText;
    expect(text).toContain('aliases physical 0: OK');
    expect(text).toContain('[ring 3] CS = 0x1B: CPL 3');
    expect(text).toContain('user task exited with code 0');
    const summary = (t: string): string => t.split('\n').find((l) => l.startsWith('summary:')) ?? '';
    expect(summary(text)).toBe(summary(nativeKernel.console));
    expect(summary(text)).toBe('summary: timer ticks = 20, system calls = 13, sleep HLTs = 3');
  });

  it('ends with sched_op(shutdown, poweroff), having used every hypercall the port needs and no emulation', () => {
    const e = pvKernel.end;
    expect(e.reason).toBe('poweroff');
    expect(e.cpl).toBe(1);
    expect(e.emulatedByMnemonic).toEqual({});
    expect(e.hypercallsByName).toMatchObject({ set_trap_table: 1, stack_switch: 1, mmuext_op: 1, mmu_update: 1, iret: 20 });
    expect((e.hypercallsByName as Record<string, number>).console_io).toBeGreaterThan(0);
    expect((e.hypercallsByName as Record<string, number>).vtlab_port_io).toBeGreaterThan(0);
    expect((e.hypercallsByName as Record<string, number>).sched_op).toBe(21); // 20 blocks + the shutdown
    expect(e.int80Direct).toBe(true);
    expect(pvKernel.recs.some((r) => r.type === 'pv-domain-crash')).toBe(false);
  });

  it('runs its system calls through the direct INT 0x80 gate: 13 calls, none of them enters the VMM', () => {
    const int80 = pvKernel.recs.filter((r) => r.type === 'interrupt' && r.vector === 0x80);
    expect(int80).toHaveLength(13);
    for (const r of int80) {
      expect(r.cplBefore).toBe(3);
      expect(r.cplAfter).toBe(1);
    }
    // Every sw-trap is an IRQ0 delivery or a shadow fill: none is a system call.
    const traps = pvKernel.recs.filter((r) => r.type === 'sw-trap');
    expect(traps.every((t) => t.name === 'IRQ 0' || t.name === '#PF')).toBe(true);
  });

  it('costs what its hypercalls and bounced events cost: each charges the per-entry assumption', () => {
    const e = pvKernel.end;
    const per = pvKernel.vmm.hypercallCycles;
    expect(per).toBe(2030);
    expect(e.hypercallCycles).toBe((e.hypercalls as number) * per);
    expect(e.vmmCycles).toBe(((e.hypercalls as number) + (e.traps as number)) * per);
  });

  it('charges a user-chosen hypercall cost instead', () => {
    const r = runOnParavirtVmm(KERNEL_PV, { hypercallCycles: 889, maxSteps: 10_000_000 });
    if (!r.ok) throw new Error('assembly');
    expect(r.end.hypercallCycles).toBe((r.end.hypercalls as number) * 889);
  });
});

describe('the unmodified kernel on the paravirtual VMM', () => {
  it('is crashed at its first privileged instruction (CLI at the entry), with the message Xen logs', () => {
    const { end, recs } = records(KERNEL);
    expect(end.reason).toBe('domain-crash');
    expect(end.instructions).toBe(0);
    const crash = recs.find((r) => r.type === 'pv-domain-crash')!;
    expect(crash).toMatchObject({ vector: 13, errorCode: 0, guestEip: '0x00010000', cpl: 1, instruction: 'CLI' });
    const logs = recs.filter((r) => r.type === 'log').map((r) => r.text);
    expect(logs).toContain('(XEN) Unhandled general protection fault fault/trap [#13] in domain 1 on VCPU 0 [ec=0000]');
    expect(String(end.message)).toMatch(/^domain 1 crashed: `cli` at EIP 0x00010000 \(ring 1\) raised #GP\(0x0000\) — a privileged instruction/);
    expect(recs.some((r) => r.type === 'pv-hypercall')).toBe(false);
  });

  it('crashes sensitive.s the same way, while the trap-and-emulate VMM runs it', () => {
    expect(records(SENSITIVE).end.reason).toBe('domain-crash');
    const sw = runOnSoftwareVmm(SENSITIVE);
    expect(sw.ok && sw.end.reason).toBe('halted');
  });

  it.each([
    ['sti', 'STI', 'sti'],
    ['hlt', 'HLT', 'hlt'],
    ['lidt    [0x3000]', 'LIDT', 'lidt [0x3000]'],
    ['mov     cr3, eax', 'MOV to CR', 'mov cr3, eax'],
    ['mov     eax, cr0', 'MOV from CR', 'mov eax, cr0'],
    ['out     0x21, al', 'OUT', 'out 0x21, al'],
    ['in      al, 0x40', 'IN', 'in al, 0x40'],
    ['wrmsr', 'WRMSR', 'wrmsr'],
  ])('crashes on `%s` (not emulated), naming it', (insn, name, text) => {
    const { end, recs } = records(guest(`        nop\n        ${insn}`));
    expect(end.reason).toBe('domain-crash');
    expect(recs.find((r) => r.type === 'pv-domain-crash')).toMatchObject({ guestEip: '0x00010001', instruction: name });
    expect(String(end.message)).toContain(`\`${text}\` at EIP 0x00010001`);
  });

  it('bounces a privileged instruction to the #GP handler a ported kernel registered, instead of crashing', () => {
    const { end, recs, vmm, sym } = records(
      guest(
        `        mov     eax, 0
        mov     ebx, traps
        int     0x82                    ; set_trap_table: #GP -> gp
        hlt                             ; faults; the handler skips it
        mov     dword [after], 1`,
        `gp:     add     esp, 4                  ; the error code
        inc     dword [esp]             ; skip the one-byte HLT
        iretd
traps:  db 13, 0
        dw 0x08
        dd gp
        dq 0
after:  dd 0`,
      ),
    );
    expect(end.reason).toBe('poweroff');
    expect(vmm.gm.read32(sym.after)).toBe(1);
    expect(recs.some((r) => r.type === 'sw-trap' && r.name === '#GP' && r.emulated === null)).toBe(true);
  });
});


/** Runs a ported guest to its end; EAX values the guest stored at `results` are returned. */
function results(body: string, data = '', n = 8): { vals: number[]; end: TraceRecord; recs: TraceRecord[]; vmm: ParavirtVmm } {
  const { end, recs, vmm, sym } = records(guest(body, `${data}\nresults: times ${n} dd 0x55555555`));
  return { vals: Array.from({ length: n }, (_, k) => vmm.gm.read32(sym.results + 4 * k)), end, recs, vmm };
}

describe('each hypercall', () => {
  it('xen_version reports the ABI version; an unknown number is ENOSYS', () => {
    const r = results(`        mov eax, 17\n        int 0x82\n        mov [results], eax\n        mov eax, 99\n        int 0x82\n        mov [results + 4], eax`);
    expect(r.vals.slice(0, 2)).toEqual([PV_ABI_VERSION, ENOSYS]);
    expect(r.recs.filter((x) => x.type === 'pv-hypercall').map((x) => x.name)).toEqual(['xen_version', 'hypercall 99', 'sched_op']);
  });

  it('console_io writes the bytes to the console without any port I/O', () => {
    const r = results(`        mov eax, 18\n        mov ebx, 0\n        mov ecx, 3\n        mov edx, msg\n        int 0x82\n        mov [results], eax`, 'msg: db "hi", 10');
    expect(r.vals[0]).toBe(0);
    expect(r.vmm.consoleText).toBe('hi\n');
    expect(r.recs.some((x) => x.type === 'io')).toBe(false);
  });

  it('vtlab_port_io reaches the PIC and PIT only (EPERM for COM1)', () => {
    const r = results(
      `        mov eax, 64\n        mov ebx, 0\n        mov ecx, 0x21\n        mov edx, 0xFB\n        int 0x82\n        mov [results], eax
        mov eax, 64\n        mov ebx, 1\n        mov ecx, 0x21\n        int 0x82\n        mov [results + 4], eax
        mov eax, 64\n        mov ebx, 0\n        mov ecx, 0x3F8\n        mov edx, 0x41\n        int 0x82\n        mov [results + 8], eax`,
    );
    expect(r.vals.slice(0, 3)).toEqual([0, 0xfb, EPERM]);
    expect(r.vmm.consoleText).toBe('');
  });

  it('set_trap_table refuses a handler outside the kernel code segment (EINVAL)', () => {
    const r = results(`        mov eax, 0\n        mov ebx, bad\n        int 0x82\n        mov [results], eax`, 'bad: db 0x20, 4\n        dw 0x1B\n        dd start\n        dq 0');
    expect(r.vals[0]).toBe(EINVAL);
  });

  const PAGING = `PD equ 0x30000
PT equ 0x31000
        mov edi, PD
        mov ecx, 2048
        xor eax, eax
        rep stosd
        mov edi, PT
        mov eax, 3
        mov ecx, 1024
.pte:   stosd
        add eax, 0x1000
        loop .pte
        and dword [PT + (PD >> 12) * 4], ~2
        and dword [PT + (PT >> 12) * 4], ~2
        mov dword [PD], PT | 3
        mov eax, 26
        mov ebx, op
        mov ecx, 1
        xor edx, edx
        mov esi, ${DOMID_SELF}
        int 0x82
        mov [results], eax`;
  const update = (k: number, ptr: string, val: string): string =>
    `        mov dword [req], ${ptr}\n        mov dword [req + 8], ${val}\n        mov eax, 1\n        mov ebx, req\n        mov ecx, 1\n        mov edx, done\n        mov esi, ${DOMID_SELF}\n        int 0x82\n        mov [results + ${4 * k}], eax`;
  const PDATA = 'op: dd 5, 0x30, 0\nreq: dd 0, 0, 0, 0\ndone: dd 0';

  it('mmuext_op(NEW_BASEPTR) validates the directory and turns paging on; mmu_update validates every entry', () => {
    const r = results(
      [
        PAGING,
        update(1, 'PD + 0x300 * 4', 'PT | 3'), // a valid alias of the first 4 MiB
        update(2, 'PD + 0x301 * 4', '0x00000083'), // a 4-MiB page: refused
        update(3, 'PD + 1023 * 4', 'PT | 3'), // the VMM hole: refused
        update(4, 'PT + 5 * 4', '0x00900003'), // a frame beyond the 8 MiB of the domain: refused
        update(5, 'PT + 5 * 4', 'PT | 3'), // a writable mapping of a page table: refused
        update(6, '0x40000', '3'), // not a page table: refused
        update(7, 'PT + 5 * 4', 'PT | 1'), // the same page read-only: accepted
      ].join('\n'),
      PDATA,
    );
    expect(r.vals).toEqual([0, 0, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, 0]);
    expect(r.end.pageTableUpdates).toBe(2);
    expect(r.end.pageTableUpdatesRejected).toBe(5);
    expect(r.vmm.guestRegisters().cr0 & 0x80010000).toBe(0x80010000 | 0);
    expect(r.vmm.v.cr3).toBe(0x30000);
    expect(r.recs.filter((x) => x.type === 'log').map((x) => x.text)).toContain('(XEN) mmu_update refused: PDE 769 is a 4-MiB page: superpages are refused in a paravirtual guest\'s tables');
  });

  it('mmuext_op refuses a directory that maps its own page tables writable', () => {
    const r = results(PAGING.replace('        and dword [PT + (PT >> 12) * 4], ~2\n', ''), PDATA);
    expect(r.vals[0]).toBe(EINVAL);
    expect(r.vmm.v.cr0 & 0x80000000).toBe(0);
  });

  it('sched_op(shutdown) ends the run with its reason: crash is a domain crash', () => {
    const r = results(`        mov eax, 29\n        mov ebx, 2\n        mov ecx, why\n        int 0x82`, 'why: dd 3');
    expect(r.end.reason).toBe('domain-crash');
  });
});

/** A guest with a 10-kHz timer on vector 0x20 whose handler counts ticks; `body` runs after the set-up. */
function timerGuest(body: string): string {
  return guest(
    `        mov eax, 0
        mov ebx, traps
        int 0x82
${[
  [0x20, 0x11], [0xa0, 0x11], [0x21, 0x20], [0xa1, 0x28], [0x21, 4], [0xa1, 2], [0x21, 1], [0xa1, 1], [0x21, 0xfe], [0xa1, 0xff], [0x43, 0x34], [0x40, 119], [0x40, 0],
]
  .map(([port, v]) => `        mov eax, 64
        mov ebx, 0
        mov ecx, ${port}
        mov edx, ${v}
        int 0x82`)
  .join('\n')}
${body}`,
    `timer:  push eax
        inc dword [ticks]
        mov eax, 64
        push ebx
        push ecx
        push edx
        mov ebx, 0
        mov ecx, 0x20
        mov edx, 0x20
        int 0x82
        pop edx
        pop ecx
        pop ebx
        pop eax
        push eax
        mov eax, 23              ; iret: restores the mask from the frame's IF
        int 0x82
traps:  db 0x20, 4
        dw 0x08
        dd timer
        dq 0
ticks:  dd 0
results: times 4 dd 0`,
  );
}

describe('interrupt masking through the shared-info page', () => {
  const SPIN = `        mov ecx, 300000\n.s1:    dec ecx\n        jnz .s1`;
  const prog = timerGuest(`        mov byte [${SHARED_INFO + 1}], 1      ; "cli"
${SPIN.replace(/\.s1/g, '.a')}
        mov eax, [ticks]
        mov [results], eax                  ; ticks while masked
        mov al, [${SHARED_INFO + 1}]        ; "pushf": save the mask
        mov byte [${SHARED_INFO + 1}], 0    ; "popf" restoring IF = 1: unmask
${SPIN.replace(/\.s1/g, '.b')}
        mov byte [${SHARED_INFO + 1}], 1
        mov eax, [ticks]
        mov [results + 4], eax              ; ticks after unmasking`);
  const { end, recs, vmm, sym } = records(prog, { maxSteps: 5_000_000 });

  it('holds interrupts off while the mask is set, and lets them in right after it is cleared — with no trap for either write', () => {
    expect(end.reason).toBe('poweroff');
    expect(vmm.gm.read32(sym.results)).toBe(0);
    expect(vmm.gm.read32(sym.results + 4)).toBeGreaterThan(0);
    // Between the set-up and the end, the only VMM entries are the timer's (IRQ 0, its EOI and iret hypercalls).
    const entries = recs.filter((r) => r.type === 'sw-trap' || r.type === 'pv-hypercall');
    const afterSetup = entries.slice(entries.findIndex((r) => r.type === 'pv-hypercall' && r.arg1 === '0x00000000' && r.arg2 === '0x00000040') + 1);
    expect(afterSetup.every((r) => (r.type === 'sw-trap' && r.name === 'IRQ 0') || r.name === 'vtlab_port_io' || r.name === 'iret' || r.name === 'sched_op')).toBe(true);
  });

  it('is correct where trap-and-emulate is not: the POPF race of sensitive.s', () => {
    // Trap-and-emulate: POPF at ring 1 silently keeps IF = 0, the timer never comes in.
    const sw = runOnSoftwareVmm(SENSITIVE);
    if (!sw.ok) throw new Error('sensitive.s');
    expect(sw.vmm.consoleText).toContain('POPF setting IF: a timer interrupt came in: no');
    // Paravirtual: the "POPF" is a store to the mask, and the interrupt comes in.
    expect(vmm.gm.read32(sym.results + 4)).toBeGreaterThan(0);
  });
});

describe('snapshots', () => {
  it('a snapshot taken mid-run (plain data) resumes identically, in the same VMM or a fresh one', () => {
    const build = () => {
      const b = paravirtVmmFor(KERNEL_PV);
      if (!b.ok) throw new Error('assembly');
      return b.vmm;
    };
    const a = build();
    a.runDomain(4000);
    const snap = structuredClone(a.pvSnapshot());
    const endA = a.runDomain(10_000_000);
    const b = build();
    b.pvRestore(snap);
    const endB = b.runDomain(10_000_000);
    expect(endB.reason).toBe('poweroff');
    expect(endB).toEqual(endA);
    expect(b.consoleText).toBe(a.consoleText);
    expect(b.cpu.cycles).toBe(a.cpu.cycles);
    expect(b.pvStats()).toEqual(a.pvStats());
    a.pvRestore(snap);
    a.runDomain(10_000_000);
    expect(a.consoleText).toBe(b.consoleText);
  });
});

describe('mmu_update validation (property)', () => {
  // One page table in use (PT at 0x31000, mapping 0-4 MiB, with itself and the directory read-only); a stub that
  // makes one mmu_update from `req` and stops.
  const built = paravirtVmmFor(
    guest(
      `PD equ 0x30000
PT equ 0x31000
        mov edi, PD
        mov ecx, 2048
        xor eax, eax
        rep stosd
        mov edi, PT
        mov eax, 3
        mov ecx, 1024
.pte:   stosd
        add eax, 0x1000
        loop .pte
        and dword [PT + (PD >> 12) * 4], ~2
        and dword [PT + (PT >> 12) * 4], ~2
        mov dword [PD], PT | 3
        mov eax, 26
        mov ebx, op
        mov ecx, 1
        xor edx, edx
        mov esi, ${DOMID_SELF}
        int 0x82
ready:  jmp ready
stub:   mov eax, 1
        mov ebx, req
        mov ecx, 1
        xor edx, edx
        mov esi, ${DOMID_SELF}
        int 0x82
        jmp $`,
      'op: dd 5, 0x30, 0\nreq: dd 0, 0, 0, 0',
    ),
  );
  if (!built.ok) throw new Error('assembly');
  const vmm = built.vmm;
  const sym = built.symbols;
  while (vmm.cpu.eip !== sym.ready) vmm.runDomain(1);
  const base = vmm.pvSnapshot();

  it('writes a PTE exactly when it is not present, or names a frame of the domain without making a page table writable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 0, max: 0xffffffff }), (index, value) => {
        vmm.pvRestore(base);
        const val = value | 0;
        vmm.gm.write32(sym.req, 0x31000 + index * 4);
        vmm.gm.write32(sym.req + 8, val);
        const before = vmm.gm.read32(0x31000 + index * 4);
        vmm.cpu.eip = sym.stub;
        vmm.runDomain(6);
        const frame = (val & 0xfffff000) >>> 0;
        const ok = (val & 1) === 0 || (frame < 0x800000 && !((val & 2) !== 0 && (frame === 0x30000 || frame === 0x31000)));
        expect(vmm.cpu.regs[0]).toBe(ok ? 0 : EINVAL);
        // The processor sets the accessed and dirty flags of the entries it walks (SDM Vol. 3A §4.8): entry 16
        // maps linear page 0x10000, which the run touches, so compare the entry with those two flags left out.
        const AD = 0x60;
        expect(vmm.gm.read32(0x31000 + index * 4) & ~AD).toBe((ok ? val : before) & ~AD);
      }),
      { numRuns: 200 },
    );
  });
});

describe('pvSourceDiff(kernel.s, kernel-pv.s)', () => {
  const hunks = pvSourceDiff(KERNEL, KERNEL_PV);
  const removedCode = (h: { removed: { text: string }[] }): string[] => h.removed.map((l) => l.text.replace(/;.*$/, '').trim().replace(/\s+/g, ' '));

  it('lists every privileged instruction of kernel.s as removed, each with why', () => {
    const removed = hunks.flatMap(removedCode);
    for (const insn of ['cli', 'sti', 'hlt', 'lidt [idt_descriptor]', 'ltr ax', 'lgdt [gdt_descriptor]', 'mov cr3, eax', 'mov cr0, eax', 'mov cr4, eax', 'out PIC1_CMD, al', 'out dx, al', 'in al, dx', 'mov eax, cr2', 'iretd']) {
      expect(removed, insn).toContain(insn);
    }
    for (const h of hunks) expect(h.why.length, JSON.stringify(h.removed[0] ?? h.added[0])).toBeGreaterThan(5);
    const cliHunk = hunks.find((h) => removedCode(h)[0] === 'cli')!;
    expect(cliHunk.added[0].text).toContain('mov     byte [VCPU_MASK], 1');
    expect(cliHunk.why).toMatch(/shared-info page/);
  });

  it('keeps the rest of the kernel line for line (the ring-3 task is untouched)', () => {
    const userStart = KERNEL.split('\n').findIndex((l) => l.startsWith('user_main:')) + 1;
    expect(hunks.every((h) => h.removed.every((l) => l.line < userStart))).toBe(true);
    expect(pvSourceDiff(KERNEL, KERNEL)).toEqual([]);
  });
});
