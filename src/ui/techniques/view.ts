/**
 * Pure helpers of the Software vs hardware lab's view: verdict words and icons (never colour alone), number
 * formats, the Rings & VMX link of a technique, the cost cells. Tested in view.test.ts.
 */
import { formatLink, parseLink } from '../../state/url.ts';
import type { EventGroup, SessionSpec, TechniqueResult, Verdict } from '../../worker/protocol.ts';
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';

export interface VerdictLook {
  /** A word a reader can say aloud. */
  word: string;
  /** A text symbol beside the word (aria-hidden). */
  icon: string;
  /** CSS modifier (colour is only a second cue). */
  tone: 'ok' | 'bad' | 'fail' | 'none' | 'base';
}

export function verdictLook(v: Verdict): VerdictLook {
  switch (v.status) {
    case 'baseline':
      return { word: t('techniques.view.baseline'), icon: '◆', tone: 'base' };
    case 'correct':
      return { word: t('techniques.view.right'), icon: '✓', tone: 'ok' };
    case 'equivalent':
      return { word: t('techniques.view.rightSelfChecks'), icon: '✓', tone: 'ok' };
    case 'wrong':
      return { word: t('techniques.view.wrong'), icon: '✗', tone: 'bad' };
    case 'failed':
      return { word: t('techniques.view.failed'), icon: '⊘', tone: 'fail' };
    case 'unavailable':
      return { word: t('techniques.view.notRun'), icon: '–', tone: 'none' };
  }
}

const nf = new Intl.NumberFormat('en-US');
export const cycles = (n: number): string => nf.format(Math.round(n));

export function overheadText(r: Pick<TechniqueResult, 'overheadPercent' | 'slowdown' | 'technique' | 'verdict'>): string {
  if (r.technique === 'native') return t('techniques.view.baselineLower');
  if (r.overheadPercent === null || r.slowdown === null) return r.verdict.status === 'unavailable' ? t('techniques.view.notRun2') : t('techniques.view.didNotFinish');
  const sign = r.overheadPercent > 0 ? '+' : '';
  return `${sign}${nf.format(r.overheadPercent)} % (×${r.slowdown.toFixed(2)})`;
}

/** "Traps 1,496: instruction emulation 1,494, software interrupt 2" (the top `max` causes). */
export function groupText(g: EventGroup, max = 4): string {
  if (g.total === 0) return t('techniques.view.groupNone', { label: g.label });
  const causes = g.byCause.slice(0, max).map((c) => `${c.cause} ${cycles(c.count)}`);
  const more = g.byCause.length > max ? t('techniques.view.groupMore', { n: g.byCause.length - max }) : '';
  return `${g.label} ${cycles(g.total)}: ${causes.join(', ')}${more}`;
}

const PLATFORM_NAMES: Record<string, string> = { get bare() { return t('techniques.view.platformNative'); }, get swvmm() { return t('techniques.view.theSoftwareVmm'); }, get bt() { return t('techniques.view.binaryTranslation'); }, get pv() { return t('techniques.view.platformPv'); }, guest: 'VT-x' };

/** The Rings & VMX lab's link that runs this workload on the technique's platform, or null. */
export function ringsLinkFor(r: Pick<TechniqueResult, 'technique' | 'platform' | 'unavailable'>, workload: string, cpu: string): { href: string; label: string } | null {
  if (r.platform === null || r.unavailable !== null) return null;
  const spec = { scenario: workload, cpu, seed: 1, insnEvents: true, mode: r.platform, ...(r.technique === 'vtx-shadow' && (cpu === 'nehalem' || cpu === 'modern') ? { settings: { ept: false } } : {}) };
  const href = formatLink({ lab: 'rings', spec, seq: 0, interventions: [] });
  // Offer only a link the app can open (a platform the link format does not know yet would open on an error).
  if (parseLink(href).kind !== 'ok') return null;
  return { href, label: t('techniques.view.stepThroughItIn', { value: PLATFORM_NAMES[r.platform], value2: r.technique === 'vtx-shadow' ? t('techniques.view.eptOff') : '' }) };
}

/** The Popek & Goldberg table's demo link: the Rings & VMX lab on `spec` (sensitive on the software VMM) at position `seq`. */
export function pgDemoHref(spec: SessionSpec, seq: number): string {
  return formatLink({ lab: 'rings', spec, seq, interventions: [] });
}

/** A scenario title without the catalogue's "Workload: " prefix, capitalised ("System-call heavy"). */
export function shortTitle(title: string): string {
  const t = title.replace(/^Workload: /, '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
