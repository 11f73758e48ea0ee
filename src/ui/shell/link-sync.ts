/**
 * Keeps the URL and the app in step: the first link decides what loads (a broken one shows a message and
 * the default), the URL follows the lab, spec and position (replaceState, at most a few times a second),
 * and pasting a new link into the address bar loads it.
 */
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { formatLink, parseLink, type LinkState } from '../../state/url.ts';
import { LAB_IDS, isTabbedLab, type LabId, type LabTab } from '../../state/labs.ts';
import { DEFAULT_SPEC } from '../../state/lab-slice.ts';
import type { Intervention } from '../../worker/protocol.ts';
import { decodeProgram, encodeProgram } from '../../state/program-codec.ts';
import { t } from '../../i18n/t.ts';

let applying = false;
let lastWritten = '';
let interventions: { seq: number; action: Intervention }[] = [];
/** The encoded form of the user's program (encoding is asynchronous, so it is cached). */
let encoded: { text: string; z: string } | null = null;

/** Loads what a hash asks for; false (with a notice) when it cannot. */
async function applyHash(hash: string, initial: boolean): Promise<void> {
  const s = useApp.getState();
  const parsed = parseLink(hash);
  applying = true;
  try {
    if (parsed.kind === 'error') {
      // A broken link to a lab that exists opens that lab as it starts; anything else opens the default lab.
      const named = /^#?\/([a-z-]+)/.exec(hash)?.[1];
      const lab = named !== undefined && (LAB_IDS as readonly string[]).includes(named) ? (named as LabId) : 'rings';
      s.setNotice({ kind: 'error', text: lab === 'rings' ? t('shell.link.showingTheDefaultLab', { message: parsed.message }) : t('shell.link.showingTheLabDefaults', { message: parsed.message }) });
      s.setLab(lab);
      await commands.load(DEFAULT_SPEC);
      return;
    }
    if (parsed.kind === 'empty') {
      if (initial) await commands.load(DEFAULT_SPEC);
      return;
    }
    const st: LinkState = parsed.state;
    if (st.srcZ !== undefined) {
      try {
        st.spec = { ...st.spec, source: await decodeProgram(st.srcZ) };
        encoded = { text: st.spec.source!, z: st.srcZ };
      } catch (e) {
        s.setNotice({ kind: 'error', text: t('shell.link.thisLinkIsBroken', { error: e instanceof Error ? e.message : String(e) }) });
        await commands.load(DEFAULT_SPEC);
        return;
      }
    }
    s.setLab(st.lab);
    if (st.techniques !== undefined) s.setTechniques(st.techniques);
    if (st.migration !== undefined) s.setMigration(st.migration);
    if (st.failover !== undefined) s.setFailover(st.failover);
    if (st.consolidation !== undefined) s.setConsolidation(st.consolidation);
    if (st.tab !== undefined && isTabbedLab(st.lab)) s.setLabTab(st.lab, st.tab as LabTab<typeof st.lab>);
    if (st.detail !== undefined) s.setDetail(st.detail);
    if (st.ringsTab !== undefined) s.setRingsTab(st.ringsTab);
    const ok = await commands.load(st.spec, { seq: st.seq, interventions: st.interventions });
    if (!ok) {
      const errs = useApp.getState().specErrors.map((e) => e.message).join('; ');
      s.setNotice({ kind: 'error', text: t('shell.link.thisLinkCannotBe', { errs }) });
      useApp.getState().setEngine({ specErrors: [] });
      await commands.load(DEFAULT_SPEC);
      return;
    }
    interventions = st.interventions;
    if (!initial) s.setNotice(null);
  } finally {
    applying = false;
    writeNow();
  }
}

/** Opens a link from inside the app (a tour step's scene): as if it had been pasted, and the URL follows. */
export async function openLink(hash: string): Promise<void> {
  await applyHash(hash, false);
}

export async function applyInitialLink(): Promise<void> {
  await applyHash(location.hash, true);
}

/** The link for the current state. */
export function currentLink(): string {
  const s = useApp.getState();
  const { source, ...rest } = s.spec;
  const srcZ = source !== undefined && encoded !== null && encoded.text === source ? encoded.z : undefined;
  return formatLink({ lab: s.lab, spec: rest, seq: s.status?.position.seq ?? 0, interventions, srcZ, techniques: s.techniques, migration: s.migration, failover: s.failover, consolidation: s.consolidation, tab: isTabbedLab(s.lab) ? s.labTabs[s.lab] : undefined, ...(s.lab === 'rings' ? { detail: s.detail, ringsTab: s.ringsTab } : {}) });
}

function writeNow(): void {
  if (applying) return;
  const hash = currentLink();
  if (hash !== lastWritten && hash !== location.hash) {
    history.replaceState(null, '', hash);
  }
  lastWritten = hash;
}

let timer = 0;
function writeSoon(): void {
  if (timer !== 0) return;
  timer = window.setTimeout(() => {
    timer = 0;
    writeNow();
  }, 250);
}

export function watchLinks(): void {
  useApp.subscribe((s, prev) => {
    if (s.spec !== prev.spec && s.spec.source !== undefined && encoded?.text !== s.spec.source) {
      const text = s.spec.source;
      void encodeProgram(text).then((z) => {
        encoded = { text, z };
        writeSoon();
      });
    }
    if (s.lab !== prev.lab || s.spec !== prev.spec || s.techniques !== prev.techniques || s.migration !== prev.migration || s.failover !== prev.failover || s.consolidation !== prev.consolidation || s.labTabs !== prev.labTabs || s.detail !== prev.detail || s.ringsTab !== prev.ringsTab) writeSoon();
    else if (s.status?.position.seq !== prev.status?.position.seq || s.status?.generation !== prev.status?.generation) {
      // Interventions are part of the link: refresh them when the timeline forks.
      if (s.status?.generation !== prev.status?.generation) {
        void commands.interventions().then((list) => {
          interventions = list;
          writeSoon();
        }).catch(() => undefined);
      }
      writeSoon();
    }
  });
  window.addEventListener('hashchange', () => {
    if (location.hash === lastWritten) return;
    void applyHash(location.hash, false);
  });
}
