/**
 * The action registry: every command a user can give, with its label and keys. The transport bar's
 * buttons, the keyboard shortcuts and the help dialog all read this one list, so a key shown in the
 * help is the key that works (and the end-to-end tests press the keys listed here).
 */
import { commands } from '../engine/client.ts';
import { useApp } from '../../state/store.ts';
import { stepSpeed, formatSpeed } from '../../state/playback-slice.ts';
import { FONT_SCALES } from '../../state/prefs-slice.ts';
import { EventKind } from '../../core/trace/events.ts';
import { tourKeys } from '../tours/TourPanel.tsx';
import { forwardKey } from '../present/channel.ts';
import { t } from '../../i18n/t.ts';

/**
 * What "next VM exit" stops at on the loaded platform: on native hardware there is no VMM to exit to, so the next
 * transition into the kernel (an interrupt, an exception or a system call) instead — or, for a bare program that is its
 * own hypervisor (bare-hypervisor.s, real-mode-guest.s), the next VM exit into it.
 */
function nextTransitionKinds(): EventKind[] {
  if (useApp.getState().view?.mode === 'bare') return [EventKind.EVENT_DELIVERY, EventKind.VMEXIT];
  return [EventKind.VMEXIT, EventKind.SW_TRAP, EventKind.BT_CALLOUT, EventKind.PV_HYPERCALL, EventKind.PV_DOMAIN_CRASH];
}

export type ActionGroup = 'Tour' | 'Playback' | 'Timeline' | 'View' | 'Help';

export interface Action {
  id: string;
  label: string;
  group: ActionGroup;
  /** Key combinations, as KeyboardEvent.key with modifiers: 'Space', 'ArrowRight', 'Shift+ArrowRight', '?'. */
  keys: string[];
  /** What the help says the action does. */
  help: string;
  perform(): void | Promise<unknown>;
  /** False when the action cannot run now (its button is disabled, its key does nothing). */
  enabled?(): boolean;
}

const loaded = (): boolean => useApp.getState().status?.spec != null;
const notAtEnd = (): boolean => loaded() && !(useApp.getState().status?.position.atEnd ?? true);
const notAtStart = (): boolean => loaded() && (useApp.getState().status?.position.seq ?? 0) > 0;

function bumpFont(dir: 1 | -1): void {
  const s = useApp.getState();
  const k = FONT_SCALES.indexOf(s.fontScale);
  s.setFontScale(FONT_SCALES[Math.max(0, Math.min(FONT_SCALES.length - 1, (k < 0 ? 1 : k) + dir))]);
}

const touring = (): boolean => useApp.getState().tour !== null;

export const ACTIONS: readonly Action[] = [
  // While a tour is open its keys come first: a presentation clicker sends Page Down / Page Up (some send "."
  // or Space), and the presenter should not have to aim at a button.
  { id: 'tour-next', get label() { return t('shell.action.nextTourStep'); }, group: 'Tour', keys: ['PageDown', 'Space', '.'], get help() { return t('shell.action.whileATourIs'); }, perform: () => tourKeys.next?.(), enabled: touring },
  { id: 'tour-prev', get label() { return t('shell.action.previousTourStep'); }, group: 'Tour', keys: ['PageUp'], get help() { return t('shell.action.whileATourIs2'); }, perform: () => tourKeys.prev?.(), enabled: touring },
  {
    id: 'blank', get label() { return t('shell.action.blankTheAudienceScreen'); }, group: 'Tour', keys: ['b'], get help() { return t('shell.action.whilePresentingBlankThe'); },
    perform: () => {
      const s = useApp.getState();
      if (s.viewMode === 'audience') forwardKey('blank');
      else s.setBlank(!s.blank);
    },
    enabled: () => useApp.getState().viewMode === 'presenter' || useApp.getState().viewMode === 'audience',
  },
  { id: 'tours', get label() { return t('shell.action.guidedTours'); }, group: 'Tour', keys: ['g'], get help() { return t('shell.action.chooseAGuidedTour'); }, perform: () => useApp.getState().openTourPicker(true) },
  { id: 'play-pause', get label() { return t('shell.action.playPause'); }, group: 'Playback', keys: ['Space'], get help() { return t('shell.action.playAtTheChosen'); }, perform: () => commands.togglePlay(), enabled: () => loaded() && (notAtEnd() || useApp.getState().status?.state !== 'paused') },
  { id: 'step', get label() { return t('shell.action.step'); }, group: 'Playback', keys: ['ArrowRight'], get help() { return t('shell.action.showTheNextEvent'); }, perform: () => commands.step(1), enabled: notAtEnd },
  { id: 'step-10', get label() { return t('shell.action.step10'); }, group: 'Playback', keys: ['Shift+ArrowRight'], get help() { return t('shell.action.showTheNext10'); }, perform: () => commands.step(10), enabled: notAtEnd },
  { id: 'step-back', get label() { return t('shell.action.stepBack'); }, group: 'Playback', keys: ['ArrowLeft'], get help() { return t('shell.action.goBackOneEvent'); }, perform: () => commands.stepBack(1), enabled: notAtStart },
  { id: 'step-back-10', get label() { return t('shell.action.stepBack10'); }, group: 'Playback', keys: ['Shift+ArrowLeft'], get help() { return t('shell.action.goBack10Events'); }, perform: () => commands.stepBack(10), enabled: notAtStart },
  { id: 'run-exit', get label() { return t('shell.action.runToNextVm'); }, group: 'Playback', keys: ['x'], get help() { return t('shell.action.fastForwardToThe'); }, perform: () => commands.runTo({ to: 'kind', kinds: nextTransitionKinds() }), enabled: notAtEnd },
  { id: 'run-end', get label() { return t('shell.action.runToEnd'); }, group: 'Playback', keys: ['End'], get help() { return t('shell.action.fastForwardToThe2'); }, perform: () => commands.runTo({ to: 'end' }), enabled: notAtEnd },
  { id: 'cancel', get label() { return t('shell.action.cancelRun'); }, group: 'Playback', keys: ['Escape'], get help() { return t('shell.action.stopAFastForward'); }, perform: () => commands.pause(), enabled: () => useApp.getState().status?.state === 'running' || useApp.getState().status?.state === 'playing' },
  { id: 'reset', get label() { return t('shell.action.reset'); }, group: 'Playback', keys: ['Home'], get help() { return t('shell.action.backToTheStart'); }, perform: () => commands.reset(), enabled: loaded },
  {
    id: 'slower', get label() { return t('shell.action.slower'); }, group: 'Timeline', keys: ['['], get help() { return t('shell.action.halveTheSimulationSpeed'); },
    perform: () => commands.setSpeed(stepSpeed(useApp.getState().speed, -1)),
    enabled: () => useApp.getState().speed > 1e-3,
  },
  {
    id: 'faster', get label() { return t('shell.action.faster'); }, group: 'Timeline', keys: [']'], get help() { return t('shell.action.doubleTheSimulationSpeed'); },
    perform: () => commands.setSpeed(stepSpeed(useApp.getState().speed, 1)),
    enabled: () => Number.isFinite(useApp.getState().speed),
  },
  { id: 'theme', get label() { return t('shell.action.lightDarkTheme'); }, group: 'View', keys: ['t'], get help() { return t('shell.action.switchBetweenTheLight'); }, perform: () => { const s = useApp.getState(); s.setTheme(s.theme === 'light' ? 'dark' : 'light'); } },
  { id: 'font-up', get label() { return t('shell.action.largerText'); }, group: 'View', keys: ['+', '='], get help() { return t('shell.action.scaleAllTextUp'); }, perform: () => bumpFont(1) },
  { id: 'font-down', get label() { return t('shell.action.smallerText'); }, group: 'View', keys: ['-'], get help() { return t('shell.action.scaleAllTextDown'); }, perform: () => bumpFont(-1) },
  { id: 'help', get label() { return t('shell.action.keyboardShortcuts'); }, group: 'Help', keys: ['?'], get help() { return t('shell.action.showThisList'); }, perform: () => useApp.getState().setHelpOpen(true) },
];

export function actionById(id: string): Action {
  const a = ACTIONS.find((x) => x.id === id);
  if (a === undefined) throw new Error(`no action ${id}`);
  return a;
}

/** The combination a keyboard event represents, in the registry's notation. */
export function comboOf(e: KeyboardEvent): string {
  const key = e.key === ' ' ? 'Space' : e.key;
  // Shift is part of printable characters ('?', '+'); name it only for keys that do not change with it.
  const named = key.length > 1;
  return `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.metaKey ? 'Meta+' : ''}${e.shiftKey && named ? 'Shift+' : ''}${key}`;
}

/** How a key is written in the help and on button tooltips. */
export function keyLabel(combo: string): string {
  return combo
    .replace('ArrowRight', '→')
    .replace('ArrowLeft', '←')
    .replace('Space', 'Space')
    .replace('Escape', 'Esc');
}

export { formatSpeed };
