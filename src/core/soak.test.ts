/**
 * The soak test in small (issue 9 item 3; the full run is `npm run soak`, src/cli/soak.ts): a few million guest
 * instructions and tens of thousands of VM exits through the same paths the app uses (the timeline with its event
 * ring, exit index and snapshots; the VMM's console; the decode cache), asserting that every buffer stays within its
 * cap however long the run. Asserts sizes and caps, never wall time.
 */
import { describe, expect, it } from 'vitest';
import { Timeline } from './timeline/timeline.ts';
import { ExitIndex } from './timeline/exit-index.ts';
import { EventKind } from './trace/events.ts';
import { CONSOLE_LINE_MAX } from './devices/console-line.ts';
import { MAX_CACHED_INSNS } from './x86/decode-cache.ts';
import { GuestLab } from './vmm/guest-lab.ts';
import { NullSink, type TraceSink } from './trace/sink.ts';
import { assemble } from './x86/asm/index.ts';
import { PROGRAM_BASE } from './machine/layout.ts';
import { getCpuModel, toProcessorModel } from './cpu-models/index.ts';
import type { SessionMode } from './session/session.ts';

/** CPUID in a loop: every iteration is a VM exit (CPUID always exits in VMX non-root operation, SDM Vol. 3C §25.1.2). */
export const CPUID_LOOP = `; @mode guest
start:
.loop:
  xor eax, eax
  cpuid
  jmp .loop
`;

/** Prints COUNT characters on COM1 (polled, as the lab programs do) and never a line feed, then stops. */
function noNewlineProgram(count: number): string {
  return `; @mode guest
start:
  mov ecx, ${count}
.next:
  mov dx, 0x3FD
.wait:
  in al, dx
  test al, 0x20
  jz .wait
  mov eax, ecx
  and eax, 15
  add al, 'a'
  mov dx, 0x3F8
  out dx, al
  dec ecx
  jnz .next
  cli
  hlt
`;
}

/** The characters noNewlineProgram(count) prints. */
function noNewlineText(count: number): string {
  let s = '';
  for (let c = count; c > 0; c--) s += String.fromCharCode(97 + (c & 15));
  return s;
}

/** Fills `bytes` of guest memory at 1 MiB with NOPs ending in CLI; HLT, and runs through them: one block per 32 NOPs. */
function nopSledProgram(bytes: number): string {
  return `; @mode guest
start:
  mov edi, 0x100000
  mov ecx, ${bytes}
  mov al, 0x90
  cld
  rep stosb
  mov byte [edi], 0xFA
  mov byte [edi + 1], 0xF4
  mov eax, 0x100000
  jmp eax
`;
}

function timeline(source: string, mode?: SessionMode, opts: Parameters<typeof Timeline.create>[1] = {}): Timeline {
  const r = Timeline.create({ scenario: 'cpu-bound', seed: 1, insnEvents: false, source, ...(mode !== undefined ? { mode } : {}) }, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.timeline;
}

describe('soak in small: buffers stay bounded on long runs', () => {
  it('an exit-heavy guest on the timeline keeps the event ring and the snapshots within their caps', () => {
    const capacity = 1 << 12;
    const maxSnapshots = 8;
    const t = timeline(CPUID_LOOP, undefined, { ringCapacity: capacity, maxSnapshots, snapshotEvery: { events: 2000, instructions: 1 << 30, cycles: 2 ** 52 } });
    let maxSnaps = 0;
    // The worker's play loop: slices of a budget of instructions, releasing events as it goes.
    while (t.session.instret < 300_000) {
      t.advance({ budget: 25_000, events: 20_000 });
      maxSnaps = Math.max(maxSnaps, t.snapshotCount);
      expect(t.ring.nextSeq - t.ring.oldestSeq).toBeLessThanOrEqual(capacity);
    }
    const exits = t.exits();
    // 3 instructions and 3 events (exit, handler, entry) per iteration: far more events than the ring holds.
    expect(exits.count + exits.dropped).toBeGreaterThanOrEqual(99_000);
    expect(t.simSeq).toBeGreaterThan(50 * capacity);
    expect(maxSnaps).toBeLessThanOrEqual(maxSnapshots);
    expect(maxSnaps).toBeGreaterThan(1);
    // Reading the whole run gives back at most the ring's window.
    expect(t.events(0, t.simSeq).count).toBeLessThanOrEqual(capacity);
    // Time travel still works after the ring wrapped many times: back to an early position and forward again.
    const end = t.position().seq;
    t.seek(1000);
    expect(t.position().seq).toBe(1000);
    t.seek(end);
    expect(t.position().seq).toBe(end);
  });

  it('the exit index forgets its oldest exits once full, and says how many', () => {
    const x = new ExitIndex(1024);
    for (let k = 0; k < 100_000; k++) x.push(k, k * 10, 10);
    expect(x.count).toBeLessThanOrEqual(1024);
    const l = x.upTo(1e9);
    expect(l.count + l.dropped).toBe(100_000);
    // The newest exit is kept.
    expect(l.seq[l.count - 1]).toBe(99_999);
  });

  it.each(['guest', 'bare', 'swvmm'] as const)('a line without a line feed is reported in pieces of at most CONSOLE_LINE_MAX (%s)', (mode) => {
    const count = 3 * CONSOLE_LINE_MAX + 123;
    const t = timeline(noNewlineProgram(count), mode, { ringCapacity: 1 << 18 });
    // The whole run fits in the ring (the software VMM's traps make about 100,000 events), so every piece is read back.
    while (t.position().atEnd === false) t.advance({ budget: 200_000 });
    const batch = t.events(0, t.simSeq);
    expect(batch.firstSeq).toBe(0);
    const pieces = batch.texts.map(([, s]) => s);
    const kinds = batch.texts.map(([k]) => batch.data[k * 11]);
    expect(kinds.every((k) => k === EventKind.CONSOLE)).toBe(true);
    // Three full pieces while running, the rest when the run ends; joined, they are exactly what was printed.
    expect(pieces.length).toBe(4);
    expect(Math.max(...pieces.map((s) => s.length))).toBe(CONSOLE_LINE_MAX);
    expect(pieces.join('')).toBe(noNewlineText(count));
  });

  it('a guest that prints forever without a line feed keeps its unfinished line and console bounded', () => {
    const model = toProcessorModel(getCpuModel('nehalem')!);
    const lab = new GuestLab({ model, trace: new NullSink() });
    const asm = assemble(noNewlineProgram(200_000), { origin: PROGRAM_BASE });
    if (!asm.ok) throw new Error(asm.errors[0].message);
    lab.loadProgram(asm.bytes, asm.origin, asm.entry);
    let maxLine = 0;
    // A million instructions: about 75,000 characters, more than the console keeps.
    for (let k = 0; k < 10; k++) {
      lab.hv.run(100_000);
      maxLine = Math.max(maxLine, lab.vm.uartLine.length);
    }
    expect(maxLine).toBeLessThan(CONSOLE_LINE_MAX);
    expect(lab.vm.console.length).toBe(65_536);
    expect(lab.vm.console.length).toBeLessThanOrEqual(65_536);
  });

  it('code run all over guest memory keeps the decode cache within MAX_CACHED_INSNS, and the guest still runs to its end', () => {
    const model = toProcessorModel(getCpuModel('nehalem')!);
    // 1 MiB of NOPs: 32,768 blocks of 32 NOPs (1,048,576 decoded instructions), 16 times the cap.
    const bytes = 1 << 20;
    let exits = 0;
    const sink: TraceSink = { emit: (k) => void (k === EventKind.VMEXIT && exits++), text: () => {} };
    const lab = new GuestLab({ model, trace: sink });
    const asm = assemble(nopSledProgram(bytes), { origin: PROGRAM_BASE });
    if (!asm.ok) throw new Error(asm.errors[0].message);
    lab.loadProgram(asm.bytes, asm.origin, asm.entry);
    let maxInsns = 0;
    let out: ReturnType<GuestLab['run']> | null = null;
    for (let k = 0; k < 20 && (out === null || out.reason === 'limit'); k++) {
      out = lab.run(500_000);
      maxInsns = Math.max(maxInsns, lab.hv.cache.instructions);
    }
    expect(out?.reason).toBe('halted');
    expect(maxInsns).toBeLessThanOrEqual(MAX_CACHED_INSNS);
    expect(maxInsns).toBeGreaterThan(MAX_CACHED_INSNS / 2);
    // Every NOP retired: the sled, the CLI at its end and the 6 instructions before it.
    expect(lab.hv.totalInstructions()).toBeGreaterThanOrEqual(bytes + 1);
  });
});
