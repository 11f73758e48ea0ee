/**
 * The white paper's §3.1 and §3.1.1 as the Software vs hardware lab shows them (issue 5, item 5): the paper's
 * words quoted exactly, and each §3.1.1 challenge mapped to the evidence of one concrete run of the comparison
 * (compare.ts) — every number taken from the runs, none written here.
 *
 * Source: Intel, "Intel® Virtualization Technology (VT) in Converged Application Platforms", White Paper,
 * January 2007, Revision 1.0 (../shared/seed/intel-vt-converged-application-platforms-2007.md), §3.1 and §3.1.1.
 *
 * What §3.1 does and does not contain: it speaks of "the 17 instructions controlling critical platform resources"
 * twice (§3.1 option 1, §3.1.1 first bullet) but never names them and prints no list or table of them; its one
 * table (Table 1) compares virtualized and non-virtualized platforms by ring. The count matches Robin & Irvine's
 * 17 sensitive, unprivileged instructions (USENIX Security 2000), which the paper does not cite: that reading is
 * ours, and the UI says so. This lab runs the 18 mnemonics of deprivileged/instructions.ts, each with a demo.
 *
 * Plain data and pure functions, light enough for the UI bundle: compare.ts is imported for its types only.
 */
import type { TechniqueComparison, TechniqueResult } from './compare.ts';
import { SENSITIVE_UNPRIVILEGED } from './deprivileged/instructions.ts';

export const WHITE_PAPER_CITATION =
  'Intel, "Intel® Virtualization Technology (VT) in Converged Application Platforms", White Paper, January 2007, Revision 1.0';

/** §3.1 prints no table of the instructions it counts. */
export const PAPER_HAS_INSTRUCTION_TABLE = false;

/** §3.1's Table 1, as printed (caption, column heads, bullets). */
export const TABLE_1 = {
  caption: 'Table 1. Virtualized vs Non Virtualized Platforms',
  columns: [
    {
      head: 'Non Virtualized Platform',
      bullets: [
        'IA-32 architecture requires all software to run in one of the four privilege levels called “rings”',
        'OS typically runs on Ring0 – privileged access to the widest range of processor and platform resources',
        'Individual applications run in Ring3 – Limited privilege access to hardware resources',
      ],
    },
    {
      head: 'Virtualized Platform',
      bullets: [
        'The four privilege levels (rings) are still employed on Virtualization Technology based platforms, but now, instead of an OS, the VMM runs on Ring 0. Note that, typically, the OS is programmed to run on Ring0 in a non virtualized environment.',
        'VMM runs on Ring0 and guest OS runs on Ring1 or Ring3.',
      ],
    },
  ],
} as const;

/** §3.1's two software-only options, as printed. */
export const SECTION_3_1_OPTIONS = {
  intro: 'There are two options for software-only virtualization solution:',
  items: [
    '1. Runtime Modification of the guest OS: In this case the VMM monitors operation during runtime and takes control of the processor. When any of the 17 instructions controlling critical platform resources arises in the guest OS, the VMM manages the conflict and returns control to the guest OS.',
    '2. Static modification on guest OS (Para-virtualization): In this case the guest OS is modified prior to runtime.',
  ],
} as const;

/** The paper's count, and how this lab's list relates to it (said in words on screen). */
export const PAPER_COUNT = 17;
export const LAB_MNEMONICS: readonly string[] = SENSITIVE_UNPRIVILEGED.map((s) => s.mnemonic);

export function countNote(): string {
  return (
    `The paper names none of the ${PAPER_COUNT} instructions and prints no list or table of them; the count matches the ${PAPER_COUNT} sensitive, ` +
    `unprivileged instructions Robin & Irvine (USENIX Security 2000) found on the Pentium, which the paper does not cite (that reading is ours). ` +
    `The list commonly reproduced under Robin & Irvine's heading spells ${LAB_MNEMONICS.length} mnemonics, and this lab runs all ${LAB_MNEMONICS.length}, ` +
    `each linked below to the moment it runs at ring 1 under the software VMM.`
  );
}

export type ChallengeId = 'conflict' | 'workarounds' | 'unmodified' | 'modification';

/** §3.1.1's four bullets, as printed (the first says "of wrong response": the paper's wording, kept). */
export const CHALLENGES: readonly { id: ChallengeId; quote: string; title: string }[] = [
  {
    id: 'conflict',
    title: 'Conflict: a fault or a wrong response',
    quote: 'When any of the 17 instructions controlling critical platform resource arises, but the OS is not running in Ring0, this could cause conflict resulting in system fault of wrong response.',
  },
  {
    id: 'workarounds',
    title: 'Runtime modification: complex workarounds',
    quote: 'Runtime modification forces the VMM to provide complex workarounds during operations, which can impact performance and system reliability.',
  },
  {
    id: 'unmodified',
    title: 'Paravirtualization cannot host an unmodified guest',
    quote: 'Para-virtualization prevents VMM from hosting unmodified guest operating system',
  },
  {
    id: 'modification',
    title: 'The cost of modifying the software',
    quote: 'Both runtime modification and para-virtualization require extensive software modification efforts from the VMM and the OS vendors. This increases the cost and complexity of IT support.',
  },
];

/** One number a card shows, taken from a run. */
export interface EvidenceFigure {
  label: string;
  value: number;
  /** How to print it: a count, cycles, or a percentage. */
  unit: 'count' | 'cycles' | 'percent';
}

export interface ChallengeCard {
  id: ChallengeId;
  title: string;
  quote: string;
  /** The technique whose run backs it. */
  technique: TechniqueResult['technique'];
  techniqueTitle: string;
  /** The run's verdict status. */
  status: TechniqueResult['verdict']['status'];
  /** The headline number (null when the run gives none: the technique was not run). */
  figure: EvidenceFigure | null;
  /** More numbers from the same run. */
  more: EvidenceFigure[];
  /** When the evidence is a source difference rather than a run's verdict: what was compared. */
  source: string | null;
  /** What the run showed, in sentences. */
  shows: string[];
  /** Code to show verbatim (a console line, the VMM's message). */
  code: { label: string; text: string }[];
}

function find(c: TechniqueComparison, id: TechniqueResult['technique']): TechniqueResult | undefined {
  return c.results.find((r) => r.technique === id);
}

function groupOf(r: TechniqueResult | undefined, kind: string) {
  return r?.events.find((g) => g.kind === kind);
}

function base(id: ChallengeId, r: TechniqueResult | undefined, technique: TechniqueResult['technique']): ChallengeCard {
  const ch = CHALLENGES.find((x) => x.id === id)!;
  return { id, title: ch.title, quote: ch.quote, technique, techniqueTitle: r?.title ?? technique, status: r?.verdict.status ?? 'unavailable', figure: null, more: [], source: null, shows: [], code: [] };
}

function conflictCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'trap-and-emulate');
  const card = base('conflict', r, 'trap-and-emulate');
  if (r === undefined || r.unavailable !== null) return { ...card, shows: ['Trap-and-emulate was not run.'] };
  const traps = groupOf(r, 'trap');
  const v = r.verdict;
  card.figure = { label: 'privileged instructions and events that faulted into the VMM (traps)', value: traps?.total ?? 0, unit: 'count' };
  if (traps !== undefined) for (const b of traps.byCause.slice(0, 3)) card.more.push({ label: `traps: ${b.cause}`, value: b.count, unit: 'count' });
  card.shows.push('Fault: the guest kernel runs in ring 1, so each privileged instruction it ran faulted into the VMM, which emulated it (the traps counted here).');
  if (v.status === 'wrong' || (v.status === 'failed' && v.firstDifference !== null)) {
    card.more.unshift({ label: `console lines that differ from native (of ${v.nativeLines})`, value: v.linesDiffering, unit: 'count' });
    card.shows.push(
      `Wrong response: ${v.instruction !== null ? `${v.instruction.mnemonic} did not trap, so the VMM never saw it — ${v.instruction.why}.` : 'an instruction that does not trap gave the guest a different result.'}` +
        (v.instructionsDiffering.length > 1 ? ` Every sensitive instruction that answered differently: ${v.instructionsDiffering.join(', ')}.` : ''),
    );
  } else {
    card.shows.push(`No wrong response on this workload (verdict: ${v.status}); the sensitive workload shows one.`);
  }
  if (v.firstDifference !== null) {
    card.code.push({ label: `Native, line ${v.firstDifference.line}`, text: v.firstDifference.native || '(no line)' });
    card.code.push({ label: 'Trap-and-emulate', text: v.firstDifference.got || '(no line)' });
  }
  return card;
}

function workaroundsCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'binary-translation');
  const card = base('workarounds', r, 'binary-translation');
  if (r === undefined || r.unavailable !== null) return { ...card, shows: ['Binary translation was not run.'] };
  const tr = groupOf(r, 'translation');
  const co = groupOf(r, 'callout');
  const ind = groupOf(r, 'indirect');
  // The translation cache's counters are data of the run (compare.ts TranslationCacheFigures), not parsed text.
  const tc = r.translationCache;
  card.figure = { label: 'translations made (translation-cache misses)', value: tc?.misses ?? tr?.total ?? 0, unit: 'count' };
  if (tc !== null) {
    card.more.push({ label: 'guest instructions translated', value: tc.translatedInstructions, unit: 'count' });
    card.more.push({ label: 'translation-cache hits', value: tc.hits, unit: 'count' });
    card.more.push({ label: 'chained transfers (no lookup)', value: tc.chained, unit: 'count' });
  }
  if (tr?.cycles != null) card.more.push({ label: 'cycles spent translating', value: tr.cycles, unit: 'cycles' });
  if (co !== undefined) card.more.push({ label: 'callouts into the VMM (rewritten sensitive instructions run)', value: co.total, unit: 'count' });
  if (co?.cycles != null) card.more.push({ label: 'cycles spent in callouts', value: co.cycles, unit: 'cycles' });
  if (ind !== undefined && ind.total > 0) card.more.push({ label: 'indirect-branch lookups', value: ind.total, unit: 'count' });
  if (r.overheadPercent !== null) card.more.push({ label: 'busy-cycle overhead against native', value: r.overheadPercent, unit: 'percent' });
  card.shows.push(
    'The workaround at run time: the VMM translates the unmodified kernel block by block before running it and rewrites each sensitive instruction into a callout — a translation cache to keep, and a cost on every run.',
    r.verdict.status === 'correct' || r.verdict.status === 'equivalent'
      ? 'It works: the guest gets the same results as native (its verdict); the price is the cycles above.'
      : `Verdict: ${r.verdict.summary}`,
  );
  return card;
}

function unmodifiedCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'paravirt');
  const card = base('unmodified', r, 'paravirt');
  if (r === undefined || r.unavailable !== null) return { ...card, shows: ['Paravirtualization was not run.'] };
  if (r.ported) {
    card.figure = { label: 'hypercalls the ported kernel made instead', value: groupOf(r, 'hypercall')?.total ?? 0, unit: 'count' };
    card.shows.push(`This workload has a paravirtual port (${r.program}), so the port ran, not the unmodified kernel. Pick a workload without a port (the sensitive instructions) to see the unmodified guest crash.`);
    return card;
  }
  card.figure = { label: 'guest instructions completed before the VMM crashed it', value: r.instructions, unit: 'count' };
  const native = find(c, 'native');
  if (native !== undefined) card.more.push({ label: 'instructions the same program completes natively', value: native.instructions, unit: 'count' });
  card.shows.push(
    r.verdict.status === 'failed'
      ? `The unmodified ${r.program} ran on the paravirtual VMM and did not survive: it ended “${r.ended}”${r.verdict.instruction !== null ? ` at \`${r.verdict.instruction.mnemonic}\`` : ''}.`
      : `The unmodified ${r.program} ran on the paravirtual VMM; verdict: ${r.verdict.summary}`,
  );
  if (r.message !== null) card.code.push({ label: 'The paravirtual VMM', text: r.message });
  return card;
}

function modificationCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'paravirt');
  const card = base('modification', r, 'paravirt');
  const d = c.paravirtDiff;
  const removed = d.hunks.reduce((a, h) => a + h.removed.length, 0);
  const added = d.hunks.reduce((a, h) => a + h.added.length, 0);
  card.source = `the source difference ${d.original} → ${d.port} (comments and blank lines ignored)`;
  card.figure = { label: `lines of ${d.original} removed or replaced to port it`, value: removed, unit: 'count' };
  card.more.push({ label: 'lines the port added', value: added, unit: 'count' });
  card.more.push({ label: 'places changed (hunks)', value: d.hunks.length, unit: 'count' });
  const bt = find(c, 'binary-translation');
  const co = groupOf(bt, 'callout');
  if (co !== undefined && co.byCause.length > 0) card.more.push({ label: 'kinds of instruction the translating VMM had to rewrite in this run', value: co.byCause.length, unit: 'count' });
  card.shows.push(
    `The OS vendor's side: porting ${d.original} to the paravirtual interface (${d.port}) changed the kernel in ${d.hunks.length} places${d.forThisWorkload ? '' : ' — the kernel\'s port, as this workload has none'}.`,
    "The VMM vendor's side: the translator and the trap-and-emulate VMM are the software the runs above needed.",
  );
  return card;
}

/** The four §3.1.1 cards, in the paper's order, each backed by the comparison's runs. */
export function challengeCards(c: TechniqueComparison): ChallengeCard[] {
  return [conflictCard(c), workaroundsCard(c), unmodifiedCard(c), modificationCard(c)];
}
