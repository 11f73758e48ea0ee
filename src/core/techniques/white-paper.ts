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
import { t } from '../../i18n/t.ts';
import '../../i18n/en/methods.ts';

export const WHITE_PAPER_CITATION = t('methods.whitePaper.whitePaperCitation');

/** §3.1 prints no table of the instructions it counts. */
export const PAPER_HAS_INSTRUCTION_TABLE = false;

/** §3.1's Table 1, as printed (caption, column heads, bullets). */
export const TABLE_1 = {
  caption: t('methods.whitePaper.tableVirtualizedVsNon'),
  columns: [
    {
      head: t('methods.whitePaper.nonVirtualizedPlatform'),
      bullets: [
        t('methods.whitePaper.ia32ArchitectureRequiresAll'),
        t('methods.whitePaper.osTypicallyRunsOn'),
        t('methods.whitePaper.individualApplicationsRunIn'),
      ],
    },
    {
      head: t('methods.whitePaper.virtualizedPlatform'),
      bullets: [
        t('methods.whitePaper.theFourPrivilegeLevels'),
        t('methods.whitePaper.vmmRunsOnRing0'),
      ],
    },
  ],
} as const;

/** §3.1's two software-only options, as printed. */
export const SECTION_3_1_OPTIONS = {
  intro: t('methods.whitePaper.thereAreTwoOptions'),
  items: [
    t('methods.whitePaper.runtimeModificationOfThe'),
    t('methods.whitePaper.staticModificationOnGuest'),
  ],
} as const;

/** The paper's count, and how this lab's list relates to it (said in words on screen). */
export const PAPER_COUNT = 17;
export const LAB_MNEMONICS: readonly string[] = SENSITIVE_UNPRIVILEGED.map((s) => s.mnemonic);

export function countNote(): string {
  return (
    t('methods.whitePaper.thePaperNamesNone', { paperCount: PAPER_COUNT, paperCount2: PAPER_COUNT, length: LAB_MNEMONICS.length, length2: LAB_MNEMONICS.length })
  );
}

export type ChallengeId = 'conflict' | 'workarounds' | 'unmodified' | 'modification';

/** §3.1.1's four bullets, as printed (the first says "of wrong response": the paper's wording, kept). */
export const CHALLENGES: readonly { id: ChallengeId; quote: string; title: string }[] = [
  {
    id: 'conflict',
    title: t('methods.whitePaper.conflict.title'),
    quote: t('methods.whitePaper.conflict.quote'),
  },
  {
    id: 'workarounds',
    title: t('methods.whitePaper.workarounds.title'),
    quote: t('methods.whitePaper.workarounds.quote'),
  },
  {
    id: 'unmodified',
    title: t('methods.whitePaper.unmodified.title'),
    quote: t('methods.whitePaper.unmodified.quote'),
  },
  {
    id: 'modification',
    title: t('methods.whitePaper.modification.title'),
    quote: t('methods.whitePaper.modification.quote'),
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
  if (r === undefined || r.unavailable !== null) return { ...card, shows: [t('methods.whitePaper.trapAndEmulateWasNotRun')] };
  const traps = groupOf(r, 'trap');
  const v = r.verdict;
  card.figure = { label: t('methods.whitePaper.privilegedInstructionsAndEvents'), value: traps?.total ?? 0, unit: 'count' };
  if (traps !== undefined) for (const b of traps.byCause.slice(0, 3)) card.more.push({ label: `traps: ${b.cause}`, value: b.count, unit: 'count' });
  card.shows.push(t('methods.whitePaper.faultTheGuestKernel'));
  if (v.status === 'wrong' || (v.status === 'failed' && v.firstDifference !== null)) {
    card.more.unshift({ label: t('methods.whitePaper.consoleLinesThatDiffer', { nativeLines: v.nativeLines }), value: v.linesDiffering, unit: 'count' });
    card.shows.push(
      t('methods.whitePaper.wrongResponse', { what: v.instruction !== null ? t('methods.whitePaper.didNotTrapSo', { mnemonic: v.instruction.mnemonic, why: v.instruction.why }) : t('methods.whitePaper.anInstructionThatDoes') }) +
        (v.instructionsDiffering.length > 1 ? t('methods.whitePaper.everySensitiveInstructionThat', { mnemonics: v.instructionsDiffering.join(', ') }) : ''),
    );
  } else {
    card.shows.push(t('methods.whitePaper.noWrongResponseOn', { status: v.status }));
  }
  if (v.firstDifference !== null) {
    card.code.push({ label: t('methods.whitePaper.nativeLine', { line: v.firstDifference.line }), text: v.firstDifference.native || t('methods.whitePaper.noLine') });
    card.code.push({ label: 'Trap-and-emulate', text: v.firstDifference.got || t('methods.whitePaper.noLine') });
  }
  return card;
}

function workaroundsCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'binary-translation');
  const card = base('workarounds', r, 'binary-translation');
  if (r === undefined || r.unavailable !== null) return { ...card, shows: [t('methods.whitePaper.binaryTranslationWasNot')] };
  const tr = groupOf(r, 'translation');
  const co = groupOf(r, 'callout');
  const ind = groupOf(r, 'indirect');
  // The translation cache's counters are data of the run (compare.ts TranslationCacheFigures), not parsed text.
  const tc = r.translationCache;
  card.figure = { label: t('methods.whitePaper.translationsMadeTranslationCacheMiss'), value: tc?.misses ?? tr?.total ?? 0, unit: 'count' };
  if (tc !== null) {
    card.more.push({ label: t('methods.whitePaper.guestInstructionsTranslated'), value: tc.translatedInstructions, unit: 'count' });
    card.more.push({ label: t('methods.whitePaper.translationCacheHits'), value: tc.hits, unit: 'count' });
    card.more.push({ label: t('methods.whitePaper.chainedTransfersNoLookup'), value: tc.chained, unit: 'count' });
  }
  if (tr?.cycles != null) card.more.push({ label: t('methods.whitePaper.cyclesSpentTranslating'), value: tr.cycles, unit: 'cycles' });
  if (co !== undefined) card.more.push({ label: t('methods.whitePaper.calloutsIntoTheVmm'), value: co.total, unit: 'count' });
  if (co?.cycles != null) card.more.push({ label: t('methods.whitePaper.cyclesSpentInCallouts'), value: co.cycles, unit: 'cycles' });
  if (ind !== undefined && ind.total > 0) card.more.push({ label: t('methods.whitePaper.indirectBranchLookups'), value: ind.total, unit: 'count' });
  if (r.overheadPercent !== null) card.more.push({ label: t('methods.whitePaper.busyCycleOverheadAgainstNative'), value: r.overheadPercent, unit: 'percent' });
  card.shows.push(
    t('methods.whitePaper.theWorkaroundAtRun'),
    r.verdict.status === 'correct' || r.verdict.status === 'equivalent'
      ? t('methods.whitePaper.itWorksTheGuest')
      : `Verdict: ${r.verdict.summary}`,
  );
  return card;
}

function unmodifiedCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'paravirt');
  const card = base('unmodified', r, 'paravirt');
  if (r === undefined || r.unavailable !== null) return { ...card, shows: [t('methods.whitePaper.paravirtualizationWasNotRun')] };
  if (r.ported) {
    card.figure = { label: t('methods.whitePaper.hypercallsThePortedKernel'), value: groupOf(r, 'hypercall')?.total ?? 0, unit: 'count' };
    card.shows.push(t('methods.whitePaper.thisWorkloadHasA', { program: r.program }));
    return card;
  }
  card.figure = { label: t('methods.whitePaper.guestInstructionsCompletedBefore'), value: r.instructions, unit: 'count' };
  const native = find(c, 'native');
  if (native !== undefined) card.more.push({ label: t('methods.whitePaper.instructionsTheSameProgram'), value: native.instructions, unit: 'count' });
  card.shows.push(
    r.verdict.status === 'failed'
      ? t('methods.whitePaper.theUnmodifiedRanOn', { program: r.program, ended: r.ended, at: r.verdict.instruction !== null ? t('methods.whitePaper.atInstruction', { mnemonic: r.verdict.instruction.mnemonic }) : '' })
      : t('methods.whitePaper.theUnmodifiedRanOn2', { program: r.program, summary: r.verdict.summary }),
  );
  if (r.message !== null) card.code.push({ label: t('methods.whitePaper.theParavirtualVmm'), text: r.message });
  return card;
}

function modificationCard(c: TechniqueComparison): ChallengeCard {
  const r = find(c, 'paravirt');
  const card = base('modification', r, 'paravirt');
  const d = c.paravirtDiff;
  const removed = d.hunks.reduce((a, h) => a + h.removed.length, 0);
  const added = d.hunks.reduce((a, h) => a + h.added.length, 0);
  card.source = t('methods.whitePaper.theSourceDifferenceComments', { original: d.original, port: d.port });
  card.figure = { label: t('methods.whitePaper.linesOfRemovedOr', { original: d.original }), value: removed, unit: 'count' };
  card.more.push({ label: t('methods.whitePaper.linesThePortAdded'), value: added, unit: 'count' });
  card.more.push({ label: t('methods.whitePaper.placesChangedHunks'), value: d.hunks.length, unit: 'count' });
  const bt = find(c, 'binary-translation');
  const co = groupOf(bt, 'callout');
  if (co !== undefined && co.byCause.length > 0) card.more.push({ label: t('methods.whitePaper.kindsOfInstructionThe'), value: co.byCause.length, unit: 'count' });
  card.shows.push(
    t('methods.whitePaper.theOsVendorsSide', { original: d.original, port: d.port, length: d.hunks.length, note: d.forThisWorkload ? '' : t('methods.whitePaper.theKernelsPortAs') }),
    t('methods.whitePaper.theVmmVendorsSide'),
  );
  return card;
}

/** The four §3.1.1 cards, in the paper's order, each backed by the comparison's runs. */
export function challengeCards(c: TechniqueComparison): ChallengeCard[] {
  return [conflictCard(c), workaroundsCard(c), unmodifiedCard(c), modificationCard(c)];
}
