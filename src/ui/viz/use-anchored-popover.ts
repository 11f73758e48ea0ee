/**
 * A disclosure's pop-up (a <details> figure that opens to its formula and source) placed against the viewport
 * rather than its scroller. Positioned absolutely inside a table wrapper or a lab that scrolls, it was clipped by
 * that scroller: two lines of a formula showed and the rest was cut. Here it is `position: fixed`, under its summary
 * (above when there is no room below), kept inside the viewport, and placed again when anything scrolls or the
 * window resizes, so it stays with the number it explains; once that number leaves the window it closes.
 */
import { useCallback, useEffect, useRef } from 'react';

const MARGIN = 8;

export function useAnchoredPopover(): {
  detailsRef: React.RefObject<HTMLDetailsElement | null>;
  popRef: React.RefObject<HTMLDivElement | null>;
  onToggle: () => void;
} {
  const detailsRef = useRef<HTMLDetailsElement>(null);
  const popRef = useRef<HTMLDivElement>(null);

  const place = useCallback(() => {
    const d = detailsRef.current;
    const pop = popRef.current;
    const summary = d?.querySelector('summary');
    if (d === null || pop === null || summary === null || summary === undefined || !d.open) return;
    const anchor = summary.getBoundingClientRect();
    pop.style.position = 'fixed';
    pop.style.right = 'auto';
    pop.style.maxHeight = `${Math.max(120, window.innerHeight - 2 * MARGIN)}px`;
    pop.style.overflowY = 'auto';
    const box = pop.getBoundingClientRect();
    const below = anchor.bottom + 4;
    const top = below + box.height <= window.innerHeight - MARGIN || anchor.top - 4 - box.height < MARGIN ? below : anchor.top - 4 - box.height;
    const left = Math.min(Math.max(MARGIN, anchor.left), Math.max(MARGIN, window.innerWidth - box.width - MARGIN));
    pop.style.top = `${Math.max(MARGIN, Math.min(top, window.innerHeight - MARGIN - Math.min(box.height, window.innerHeight - 2 * MARGIN)))}px`;
    pop.style.left = `${left}px`;
  }, []);

  // Listening only while open: a lab has dozens of these figures, and a closed one has nothing to follow.
  const follow = useCallback(
    (e: Event): void => {
      const d = detailsRef.current;
      if (d === null || !d.open) return;
      // Scrolling inside the pop-up itself (a long source) moves nothing.
      if (e.type === 'scroll' && e.target instanceof Node && popRef.current?.contains(e.target)) return;
      const anchor = d.querySelector('summary')?.getBoundingClientRect();
      if (anchor === undefined || anchor.bottom < 0 || anchor.top > window.innerHeight) d.open = false;
      else place();
    },
    [place],
  );
  const stop = useCallback(() => {
    window.removeEventListener('scroll', follow, true);
    window.removeEventListener('resize', follow);
  }, [follow]);

  const onToggle = useCallback(() => {
    if (detailsRef.current?.open) {
      place();
      window.addEventListener('scroll', follow, true);
      window.addEventListener('resize', follow);
    } else stop();
  }, [place, follow, stop]);

  useEffect(() => stop, [stop]);

  return { detailsRef, popRef, onToggle };
}
