/**
 * A disclosure menu's dismissal (the header's Platform ▾ and Share ▾): a press outside closes it; Esc inside
 * closes it and returns the focus to its button.
 */
import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

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
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
      ref.current?.querySelector('button')?.focus();
    }
  };
  return { ref, onKeyDown };
}
