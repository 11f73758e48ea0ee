/**
 * The demo position of each sensitive unprivileged instruction for the Popek & Goldberg table: the event
 * position in the Rings & VMX lab (`t=`) right after the instruction has first executed in `sensitive.s` under
 * the software VMM, found by running the program headless on the timeline with a breakpoint at the
 * instruction's address (one pass, about a million events; the worker runs it on demand).
 */
import { SENSITIVE_UNPRIVILEGED } from './deprivileged/instructions.ts';
import { Timeline } from '../timeline/timeline.ts';
import { assemble } from '../x86/asm/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { loadScenarioSource } from '../scenarios/index.ts';
import { DEMO_SCENARIO, demoSpec } from './popek-goldberg.ts';
import { t as msg } from '../../i18n/t.ts';
import '../../i18n/en/methods.ts';

/**
 * Where each sensitive unprivileged instruction's demo sits in `sensitive.s`: the first line that runs it
 * (PUSH: PUSH CS; MOV: MOV AX, SS; RET: the RETF to ring 1; INT n: INT 0x82; PUSHF: the first PUSHFD).
 */
export const DEMO_SITES: Readonly<Record<string, RegExp>> = {
  SGDT: /^\s*sgdt\b/i,
  SIDT: /^\s*sidt\b/i,
  SLDT: /^\s*sldt\b/i,
  STR: /^\s*str\b/i,
  SMSW: /^\s*smsw\b/i,
  PUSHF: /^\s*pushfd\b/i,
  POPF: /^\s*popfd\b/i,
  LAR: /^\s*lar\b/i,
  LSL: /^\s*lsl\b/i,
  VERR: /^\s*verr\b/i,
  VERW: /^\s*verw\b/i,
  PUSH: /^\s*push\s+cs\b/i,
  POP: /^\s*pop\s+ds\b/i,
  MOV: /^\s*mov\s+ax,\s*ss\b/i,
  CALL: /^\s*call\s+KERNEL_CS:/i,
  JMP: /^\s*jmp\s+RING1_CS:/i,
  RET: /^\s*retf\b/i,
  'INT n': /^\s*int\s+0x82\b/i,
};

export interface DemoSite {
  mnemonic: string;
  address: number;
  source: string;
}

/** The address of each demo instruction in the assembled `sensitive.s` (typed outcome: the program may fail to assemble). */
export function demoSites(): { ok: true; sites: DemoSite[] } | { ok: false; message: string } {
  const src = loadScenarioSource(DEMO_SCENARIO);
  if (src === undefined) return { ok: false, message: msg('methods.demos.noScenario', { demoScenario: DEMO_SCENARIO }) };
  const asm = assemble(src, { origin: PROGRAM_BASE });
  if (!asm.ok) return { ok: false, message: msg('methods.demos.sDoesNotAssemble', { demoScenario: DEMO_SCENARIO }) };
  const sites: DemoSite[] = [];
  for (const s of SENSITIVE_UNPRIVILEGED) {
    const re = DEMO_SITES[s.mnemonic];
    const line = re === undefined ? undefined : asm.listing.find((l) => re.test(l.source));
    if (line === undefined) return { ok: false, message: msg('methods.demos.noLineForIn', { mnemonic: s.mnemonic, demoScenario: DEMO_SCENARIO }) };
    sites.push({ mnemonic: s.mnemonic, address: line.address, source: line.source.trim() });
  }
  return { ok: true, sites };
}

export interface DemoPosition {
  mnemonic: string;
  address: number;
  source: string;
  /** Events shown (`t=`) right after the instruction's first execution. */
  seq: number;
}

/**
 * Runs `sensitive` on the software VMM headless and finds, for each sensitive unprivileged instruction, the
 * position just after its first execution: stop where it is the next instruction, then simulate one stop
 * point (the instruction retires; its INSN_RETIRED event — and any trap it causes — is shown). One pass.
 */
export function demoPositions(cpu: string, budget = 20_000_000): { ok: true; positions: DemoPosition[] } | { ok: false; message: string } {
  const s = demoSites();
  if (!s.ok) return s;
  const created = Timeline.create(demoSpec(cpu));
  if (!created.ok) return { ok: false, message: created.errors.map((e) => `${e.field}: ${e.message}`).join('; ') };
  const t = created.timeline;
  const pending = new Map<number, DemoSite[]>();
  for (const site of s.sites) pending.set(site.address, [...(pending.get(site.address) ?? []), site]);
  const found: DemoPosition[] = [];
  let simulated = 0;
  while (pending.size > 0) {
    const before = t.position().instret;
    const stop = t.advance({ breakAt: new Set(pending.keys()), budget: 1_000_000 });
    simulated += Math.max(1, t.position().instret - before);
    if (stop === 'end') break;
    if (simulated > budget) return { ok: false, message: msg('methods.demos.didNotReachEvery', { demoScenario: DEMO_SCENARIO, budget }) };
    if (stop !== 'breakpoint') continue;
    const pc = t.session.currentPc();
    const sites = pending.get(pc);
    if (sites === undefined) continue;
    pending.delete(pc);
    t.advance({ budget: 1 });
    for (const site of sites) found.push({ ...site, seq: t.position().seq });
  }
  if (pending.size > 0) return { ok: false, message: msg('methods.demos.endedBefore', { demoScenario: DEMO_SCENARIO, mnemonics: [...pending.values()].flat().map((x) => x.mnemonic).join(', ') }) };
  const order = new Map(s.sites.map((x, k) => [x.mnemonic, k]));
  found.sort((a, b) => order.get(a.mnemonic)! - order.get(b.mnemonic)!);
  return { ok: true, positions: found };
}
