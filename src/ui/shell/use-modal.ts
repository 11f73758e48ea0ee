/** Keeps a <dialog> shown as a modal exactly while `open` is true (showModal gives the focus trap and Esc). */
import { useEffect, useRef, type RefObject } from 'react';

export function useModal(open: boolean, onOpen?: () => void): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (open && !d.open) {
      onOpen?.();
      d.showModal();
    }
    if (!open && d.open) d.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  return ref;
}
