/**
 * The headless lab runner as issue 2 specifies it (`npm run -s lab -- run FILE.s --json`): one JSON object per line
 * with the record names and fields the issue lists — `vmexit`, `vmentry`, `vmfail`, `exception`, `console` and a
 * last `end` — and `file:line:column: message` with a non-zero exit for assembly errors. The CLI runs as a child
 * process, the way a user or a conformance suite drives it.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'vtlab-cli-'));
function lab(name: string, source: string, ...args: string[]): { code: number | null; lines: Record<string, unknown>[]; stdout: string; stderr: string } {
  const file = join(dir, name);
  writeFileSync(file, source);
  const p = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'run', file, ...args], { encoding: 'utf8', cwd: process.cwd() });
  const lines = args.includes('--json') ? p.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
  return { code: p.status, lines, stdout: p.stdout, stderr: p.stderr };
}
const HEX = /^0x[0-9A-F]+$/i;

describe('lab runner CLI: the JSON lines issue 2 names', () => {
  it('guest mode: vmentry, vmexit (reason, name, qualification, instructionLength, guestEip, cycle), console, end with registers', () => {
    const r = lab('guest.s', `; @mode guest
start:
  xor eax, eax
  cpuid
  mov dx, 0x3f8
  mov al, 'A'
  out dx, al
  mov al, 10
  out dx, al
  cli
  hlt
`, '--json');
    expect(r.code).toBe(0);
    const types = new Set(r.lines.map((l) => l.type));
    expect(types).toContain('vmentry');
    expect(types).toContain('vmexit');
    const cpuid = r.lines.find((l) => l.type === 'vmexit' && l.reason === 10)!;
    expect(cpuid).toMatchObject({ type: 'vmexit', reason: 10, name: 'CPUID', instructionLength: 2 });
    expect(cpuid.qualification).toMatch(HEX);
    expect(cpuid.guestEip).toMatch(HEX);
    expect(typeof cpuid.cycle).toBe('number');
    const io = r.lines.find((l) => l.type === 'vmexit' && l.reason === 30)!;
    expect(io.name).toMatch(/I\/O/);
    expect(io.instructionLength).toBe(1);
    expect(r.lines.filter((l) => l.type === 'console').map((l) => l.text).join('')).toContain('A');
    const end = r.lines[r.lines.length - 1];
    expect(end.type).toBe('end');
    expect(end.reason).toBe('halted');
    const regs = end.registers as Record<string, string>;
    for (const k of ['eax', 'ebx', 'ecx', 'edx', 'esp', 'ebp', 'esi', 'edi', 'eflags']) expect(regs[k], k).toMatch(HEX);
  });

  it('bare mode: exception records carry vector and errorCode; the run ends as an unhandled exception', () => {
    const r = lab('fault.s', '; @mode bare\nstart:\n  mov ax, 0x13\n  mov ds, ax\n', '--json');
    const ex = r.lines.find((l) => l.type === 'exception')!;
    expect(ex).toMatchObject({ type: 'exception', vector: 13, errorCode: 0x10 });
    expect(r.lines[r.lines.length - 1]).toMatchObject({ type: 'end', reason: 'unhandled-exception' });
  });

  it('bare mode: VMX instructions that fail are vmfail records with instruction, kind and error (the conformance fixture vmfail-flags.s)', () => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'run', 'src/core/vmx/conformance/fixtures/vmfail-flags.s', '--json'], { encoding: 'utf8' });
    const fails = p.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'vmfail');
    expect(fails.map((f) => [f.instruction, f.kind, f.error])).toEqual([
      ['VMPTRLD', 'invalid', 0],
      ['VMREAD', 'valid', 12],
      ['VMCALL', 'valid', 1],
      ['VMREAD', 'invalid', 0],
    ]);
  });

  it('the end record is the last line and a limit run ends with reason "limit"', () => {
    const r = lab('loop.s', '; @mode bare\nstart:\n  jmp start\n', '--json', '--max-steps', '100');
    expect(r.lines[r.lines.length - 1]).toMatchObject({ type: 'end', reason: 'limit' });
  });

  it('an assembly error prints file:line:column: message and exits non-zero', () => {
    const r = lab('bad.s', '; @mode bare\nstart:\n  mvo eax, 1\n', '--json');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/bad\.s:3:3: unknown instruction 'mvo'/);
  });
});
