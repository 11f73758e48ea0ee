/** Global keyboard shortcuts from the action registry. Keys typed into a field stay in the field. */
import { useEffect } from 'react';
import { ACTIONS, comboOf } from './actions.ts';
import { useApp } from '../../state/store.ts';

function typingInto(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    return type !== 'checkbox' && type !== 'radio' && type !== 'button' && type !== 'range';
  }
  return false;
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return;
      if (useApp.getState().helpOpen) return; // the dialog handles its own keys
      if (useApp.getState().viewMode === 'embed-readonly') return; // a read-only embed is a figure
      if (typingInto(e.target) && e.key !== 'Escape') return;
      // A focused slider uses the arrows and Home/End itself.
      if (e.target instanceof HTMLElement && e.target.getAttribute('role') === 'slider' && /^(Arrow|Home|End|Page)/.test(e.key)) return;
      if (e.target instanceof HTMLInputElement && e.target.type === 'range') return;
      // Tabs, lists and the timeline use the arrow keys themselves.
      if (e.target instanceof HTMLElement && /^(tab|listbox|option|slider|grid)$/.test(e.target.getAttribute('role') ?? '') && /^Arrow/.test(e.key)) return;
      // Space on a focused button presses that button; don't also toggle play.
      if (e.key === ' ' && e.target instanceof HTMLButtonElement) return;
      // Space on a focused checkbox or radio button ticks it; don't also toggle play.
      if (e.key === ' ' && e.target instanceof HTMLInputElement && (e.target.type === 'checkbox' || e.target.type === 'radio')) return;
      // A focused <summary> opens its <details> with Space or Enter.
      if ((e.key === ' ' || e.key === 'Enter') && e.target instanceof HTMLElement && e.target.tagName === 'SUMMARY') return;
      const combo = comboOf(e);
      // Several actions may share a key (Space: next tour step while a tour is open, else play/pause): the
      // first one that is enabled now takes it.
      const matching = ACTIONS.filter((a) => a.keys.includes(combo));
      if (matching.length === 0) return;
      e.preventDefault();
      const action = matching.find((a) => a.enabled === undefined || a.enabled());
      if (action === undefined) return;
      void action.perform();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
