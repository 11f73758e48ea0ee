import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

/**
 * A header menu (a disclosure: a button and a list of links or buttons): a click outside or Escape closes it, and the
 * arrow keys move through its items as in a menu (Down from the button opens it at the first item; Up/Down wrap;
 * Home/End jump) — Tab still works. Keys the menu uses do not reach the lab's global shortcuts (Home would reset).
 */
export function useDismiss(open: boolean, setOpen: (o: boolean) => void): { ref: RefObject<HTMLDivElement | null>; onKeyDown(e: KeyboardEvent): void } {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open, setOpen]);
  const items = (): HTMLElement[] => [...(ref.current?.querySelectorAll<HTMLElement>('ul a[href], ul button:not([disabled])') ?? [])];
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
      ref.current?.querySelector('button')?.focus();
      return;
    }
    const nav = e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Home' || e.key === 'End';
    if (!nav) return;
    if (!open) {
      // Down (or Up) on the menu button opens the menu at its first (last) item.
      if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && e.target === ref.current?.querySelector('button')) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(true);
        const last = e.key === 'ArrowUp';
        requestAnimationFrame(() => {
          const list = items();
          list[last ? list.length - 1 : 0]?.focus();
        });
      }
      return;
    }
    const list = items();
    if (list.length === 0) return;
    e.preventDefault();
    e.stopPropagation();
    const k = list.indexOf(document.activeElement as HTMLElement);
    const n = list.length;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : e.key === 'ArrowDown' ? (k < 0 ? 0 : (k + 1) % n) : k < 0 ? n - 1 : (k - 1 + n) % n;
    list[to].focus();
  };
  return { ref, onKeyDown };
}
