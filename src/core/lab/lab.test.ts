import { describe, expect, it } from 'vitest';
import { runLab } from './run.ts';
import { parseLabHeader } from './header.ts';
import { JsonSink, type TraceRecord } from '../trace/json.ts';
import { formatAsmError } from '../x86/asm/index.ts';

function run(src: string, opts: { cpu?: string; maxSteps?: number } = {}) {
  const events: TraceRecord[] = [];
  const r = runLab(src, { trace: new JsonSink((e) => events.push(e)), ...opts });
  return { r, events };
}

describe('lab-file header', () => {
  it('defaults to guest mode on the default CPU model', () => {
    const h = parseLabHeader('start:\n  hlt\n');
    expect(h.ok && h.header).toEqual({ mode: 'guest', cpu: 'nehalem' });
  });
  it('reads @mode and @cpu, case-insensitively', () => {
    const h = parseLabHeader('; @mode BARE\n; @cpu Xeon-LV\nhlt\n');
    expect(h.ok && h.header).toEqual({ mode: 'bare', cpu: 'xeon-lv' });
  });
  it('reports an unknown CPU model with its line and column, and lists the known ones', () => {
    const h = parseLabHeader('; @mode bare\n; @cpu pentium\n');
    expect(h.ok).toBe(false);
    if (h.ok) return;
    expect(h.errors[0].line).toBe(2);
    expect(h.errors[0].column).toBe(8);
    expect(h.errors[0].message).toMatch(/unknown CPU model 'pentium'.*xeon-lv.*nehalem/);
  });
  it('rejects an unknown header key instead of ignoring a typo', () => {
    const h = parseLabHeader('; @mdoe bare\n');
    expect(h.ok).toBe(false);
    if (!h.ok) expect(h.errors[0].message).toMatch(/unknown header '@mdoe'/);
  });
  it('rejects a bad mode', () => {
    const h = parseLabHeader('; @mode root\n');
    expect(!h.ok && h.errors[0].message).toMatch(/'guest' or 'bare'/);
  });
});

describe('runLab', () => {
  it('reports assembly errors as file:line:column: message and runs nothing', () => {
    const { r, events } = run('; @mode bare\nstart:\n  mvo eax, 1\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatAsmError('t.s', r.errors[0])).toMatch(/^t\.s:3:3: unknown instruction 'mvo'/);
    expect(events).toEqual([]);
  });
  it('bare mode: runs to HLT with IF=0 and reports the registers', () => {
    const { r, events } = run('; @mode bare\nstart:\n  mov eax, 0x1234\n  cli\n  hlt\n');
    expect(r.ok && r.end.reason).toBe('halted');
    if (!r.ok) return;
    expect((r.end.registers as Record<string, string>).eax).toBe('0x00001234');
    expect(r.end.instructions).toBe(3);
    expect(events.some((e) => e.type === 'halt')).toBe(true);
  });
  it('bare mode: an exception without an IDT ends the run with its vector and error code', () => {
    const { r, events } = run('; @mode bare\nstart:\n  mov ax, 0x13\n  mov ds, ax\n');
    expect(r.ok && r.end.reason).toBe('unhandled-exception');
    if (!r.ok) return;
    expect(r.end.vector).toBe(13);
    expect(r.end.errorCode).toBe(0x10); // #GP(selector): index 2 with RPL 3 > DPL 0
    const ex = events.find((e) => e.type === 'exception')!;
    expect(ex.vector).toBe(13);
    expect(ex.errorCode).toBe(0x10);
    expect(ex.eip).toBe('0x00010004');
  });
  it('stops at --max-steps with reason limit', () => {
    const { r } = run('; @mode bare\nstart:\n  jmp start\n', { maxSteps: 1000 });
    expect(r.ok && r.end.reason).toBe('limit');
    expect(r.ok && r.end.instructions).toBe(1000);
  });
  it('guest mode: CPUID and HLT exit on every CPU model, and the run ends halted', () => {
    for (const cpu of ['xeon-lv', 'xeon-5100', 'nehalem', 'modern']) {
      const { r, events } = run('start:\n  xor eax, eax\n  cpuid\n  cli\n  hlt\n', { cpu });
      expect(r.ok && r.end.reason, cpu).toBe('halted');
      const exits = events.filter((e) => e.type === 'vmexit');
      const cpuidExit = exits.find((e) => e.reason === 10)!;
      expect(cpuidExit.name).toBe('CPUID');
      expect(cpuidExit.instructionLength).toBe(2);
      expect(cpuidExit.guestEip).toBe('0x00010002');
      expect(exits.at(-1)!.reason).toBe(12);
      expect(events.some((e) => e.type === 'vmentry' && e.instruction === 'VMLAUNCH')).toBe(true);
    }
  });
  it('guest mode: is deterministic — the same program gives the same trace', () => {
    const src = 'start:\n  mov esi, 50\n.l:\n  xor eax, eax\n  cpuid\n  dec esi\n  jnz .l\n  mov dx, 0x3f8\n  mov al, 65\n  out dx, al\n  cli\n  hlt\n';
    const a = run(src, { cpu: 'modern', maxSteps: 10_000 }).events;
    const b = run(src, { cpu: 'modern', maxSteps: 10_000 }).events;
    expect(a.filter((e) => e.type === 'vmexit' && e.reason === 10)).toHaveLength(50);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('disassembly listing', () => {
  it('lists address, bytes and mnemonic per instruction, and data as data', async () => {
    const { labListing } = await import('./listing.ts');
    const l = labListing('start:\n  mov eax, 1\n  cpuid\nmsg: db "hi", 0\n');
    expect(l.ok).toBe(true);
    if (!l.ok) return;
    expect(l.rows.map((r) => [r.address, r.bytes, r.text, r.data])).toEqual([
      [0x10000, [0xb8, 1, 0, 0, 0], 'mov eax, 1', false],
      [0x10005, [0x0f, 0xa2], 'cpuid', false],
      [0x10007, [0x68, 0x69, 0], 'msg: db "hi", 0', true],
    ]);
  });
  it('code after `bits 16` is listed as 16-bit code, at its linear address (a virtual-8086 guest, real-mode-guest.s)', async () => {
    const { labListing } = await import('./listing.ts');
    const l = labListing('start:\n  nop\nbits 16\n  mov ax, cs\n  mov si, 5\nbits 32\n  mov eax, 1\n');
    expect(l.ok).toBe(true);
    if (!l.ok) return;
    expect(l.rows.map((r) => [r.address, r.text])).toEqual([
      [0x10000, 'nop'],
      [0x10001, 'mov ax, cs'],
      [0x10003, 'mov si, 5'],
      [0x10006, 'mov eax, 1'],
    ]);
  });
});

describe('the README example lab file runs as documented', () => {
  it('its header lines carry trailing comments; it ends halted after a CPUID exit (reason 10)', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = /## Lab files[\s\S]*?```asm\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const header = parseLabHeader(block![1]);
    expect(header.ok).toBe(true);
    const events: TraceRecord[] = [];
    const r = runLab(block![1], { trace: new JsonSink((e) => events.push(e)) });
    if (!r.ok) throw new Error('the README example does not assemble');
    expect(r.end.reason).toBe('halted');
    expect(events.some((e) => e.type === 'vmexit' && e.reason === 10)).toBe(true);
  });
  it('a header value with a comment after it: the value is what precedes the comment, columns point at it', () => {
    const h = parseLabHeader('; @cpu pentium   ; nehalem would do\n');
    expect(h.ok).toBe(false);
    if (!h.ok) expect(h.errors[0]).toMatchObject({ line: 1, column: 8 });
  });
});
