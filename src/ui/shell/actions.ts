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
  { id: 'tour-next', label: 'Next tour step', group: 'Tour', keys: ['PageDown', 'Space', '.'], help: 'While a tour is open: the next step (on a step that waits for an event, run to it first)', perform: () => tourKeys.next?.(), enabled: touring },
  { id: 'tour-prev', label: 'Previous tour step', group: 'Tour', keys: ['PageUp'], help: 'While a tour is open: the previous step', perform: () => tourKeys.prev?.(), enabled: touring },
  {
    id: 'blank', label: 'Blank the audience screen', group: 'Tour', keys: ['b'], help: 'While presenting: blank the audience window, or show it again',
    perform: () => {
      const s = useApp.getState();
      if (s.viewMode === 'audience') forwardKey('blank');
      else s.setBlank(!s.blank);
    },
    enabled: () => useApp.getState().viewMode === 'presenter' || useApp.getState().viewMode === 'audience',
  },
  { id: 'tours', label: 'Guided tours', group: 'Tour', keys: ['g'], help: 'Choose a guided tour of the white paper (resumes where you left it)', perform: () => useApp.getState().openTourPicker(true) },
  { id: 'play-pause', label: 'Play / Pause', group: 'Playback', keys: ['Space'], help: 'Play at the chosen speed, or pause', perform: () => commands.togglePlay(), enabled: () => loaded() && (notAtEnd() || useApp.getState().status?.state !== 'paused') },
  { id: 'step', label: 'Step', group: 'Playback', keys: ['ArrowRight'], help: 'Show the next event', perform: () => commands.step(1), enabled: notAtEnd },
  { id: 'step-10', label: 'Step 10', group: 'Playback', keys: ['Shift+ArrowRight'], help: 'Show the next 10 events', perform: () => commands.step(10), enabled: notAtEnd },
  { id: 'step-back', label: 'Step back', group: 'Playback', keys: ['ArrowLeft'], help: 'Go back one event (restores a snapshot and re-simulates)', perform: () => commands.stepBack(1), enabled: notAtStart },
  { id: 'step-back-10', label: 'Step back 10', group: 'Playback', keys: ['Shift+ArrowLeft'], help: 'Go back 10 events', perform: () => commands.stepBack(10), enabled: notAtStart },
  { id: 'run-exit', label: 'Run to next VM exit', group: 'Playback', keys: ['x'], help: 'Fast-forward to the next VM exit (on the Software VMM platform: the next trap to the VMM)', perform: () => commands.runTo({ to: 'kind', kinds: [EventKind.VMEXIT, EventKind.SW_TRAP, EventKind.BT_CALLOUT, EventKind.PV_HYPERCALL, EventKind.PV_DOMAIN_CRASH] }), enabled: notAtEnd },
  { id: 'run-end', label: 'Run to end', group: 'Playback', keys: ['End'], help: 'Fast-forward to the end of the run, without animation (Esc cancels)', perform: () => commands.runTo({ to: 'end' }), enabled: notAtEnd },
  { id: 'cancel', label: 'Cancel run', group: 'Playback', keys: ['Escape'], help: 'Stop a fast-forward or playback', perform: () => commands.pause(), enabled: () => useApp.getState().status?.state === 'running' || useApp.getState().status?.state === 'playing' },
  { id: 'reset', label: 'Reset', group: 'Playback', keys: ['Home'], help: 'Back to the start of the run', perform: () => commands.reset(), enabled: loaded },
  {
    id: 'slower', label: 'Slower', group: 'Timeline', keys: ['['], help: 'Halve the simulation speed (about)',
    perform: () => commands.setSpeed(stepSpeed(useApp.getState().speed, -1)),
    enabled: () => useApp.getState().speed > 1e-3,
  },
  {
    id: 'faster', label: 'Faster', group: 'Timeline', keys: [']'], help: 'Double the simulation speed (about), up to max',
    perform: () => commands.setSpeed(stepSpeed(useApp.getState().speed, 1)),
    enabled: () => Number.isFinite(useApp.getState().speed),
  },
  { id: 'theme', label: 'Light / dark theme', group: 'View', keys: ['t'], help: 'Switch between the light high-contrast theme (projectors) and the dark theme', perform: () => { const s = useApp.getState(); s.setTheme(s.theme === 'light' ? 'dark' : 'light'); } },
  { id: 'font-up', label: 'Larger text', group: 'View', keys: ['+', '='], help: 'Scale all text up', perform: () => bumpFont(1) },
  { id: 'font-down', label: 'Smaller text', group: 'View', keys: ['-'], help: 'Scale all text down', perform: () => bumpFont(-1) },
  { id: 'help', label: 'Keyboard shortcuts', group: 'Help', keys: ['?'], help: 'Show this list', perform: () => useApp.getState().setHelpOpen(true) },
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
