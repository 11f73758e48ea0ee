/**
 * Presenter and audience windows kept in step over a BroadcastChannel (same origin, same browser: one laptop,
 * two displays; no server). The presenter sends the scene (its link), the tour position and the blanking; the
 * audience follows, and forwards a clicker's keys pressed while it has the focus. Messages from the channel
 * are untrusted input and are checked before use.
 */
import { z } from 'zod';
import { useApp } from '../../state/store.ts';
import { currentLink, openLink } from '../shell/link-sync.ts';
import { tourKeys } from '../tours/TourPanel.tsx';
import { DETAIL_LEVELS, RINGS_TABS } from '../../state/labs.ts';

export const CHANNEL_NAME = 'vt-lab-present-v1';

const message = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('state'),
    link: z.string().max(500_000).regex(/^#\//),
    tour: z.strictObject({ id: z.string().max(40), step: z.number().int().min(0).max(100) }).nullable(),
    blank: z.boolean(),
    // What the presenter looks at beyond the link: how much detail, and which of the Rings lab's tabs is open.
    detail: z.enum(DETAIL_LEVELS),
    ringsTab: z.enum(RINGS_TABS),
  }),
  z.strictObject({ kind: z.literal('hello') }),
  // The presenter ended the presentation: the audience window says so and stops following.
  z.strictObject({ kind: z.literal('ended') }),
  z.strictObject({ kind: z.literal('key'), action: z.enum(['tour-next', 'tour-prev', 'blank']) }),
]);
export type PresentMessage = z.infer<typeof message>;

let channel: BroadcastChannel | null = null;
let unsubscribe: (() => void) | null = null;

/** The presenter: broadcasts what the audience should show whenever it changes (at most every 150 ms). */
export function startPresenter(onAudience: (seen: number) => void): () => void {
  stop();
  const ch = new BroadcastChannel(CHANNEL_NAME);
  channel = ch;
  let last = '';
  let timer = 0;
  const stateNow = (): PresentMessage => {
    const s = useApp.getState();
    return { kind: 'state', link: currentLink(), tour: s.tour, blank: s.blank, detail: s.detail, ringsTab: s.ringsTab };
  };
  const send = (force: boolean): void => {
    const m = stateNow();
    const key = JSON.stringify(m);
    if (!force && key === last) return;
    last = key;
    ch.postMessage(m);
  };
  ch.onmessage = (e: MessageEvent) => {
    const r = message.safeParse(e.data);
    if (!r.success) return;
    if (r.data.kind === 'hello') {
      onAudience(Date.now());
      send(true);
    } else if (r.data.kind === 'key') {
      if (r.data.action === 'tour-next') tourKeys.next?.();
      else if (r.data.action === 'tour-prev') tourKeys.prev?.();
      else useApp.getState().setBlank(!useApp.getState().blank);
    }
  };
  unsubscribe = useApp.subscribe(() => {
    if (timer !== 0) return;
    timer = window.setTimeout(() => {
      timer = 0;
      send(false);
    }, 150);
  });
  send(true);
  return stop;
}

/** The audience: says hello, then shows what the presenter sends (one scene load at a time, the newest wins). */
export function startAudience(): () => void {
  stop();
  const ch = new BroadcastChannel(CHANNEL_NAME);
  channel = ch;
  let loading = false;
  let pending: string | null = null;
  const load = async (link: string): Promise<void> => {
    if (loading) {
      pending = link;
      return;
    }
    loading = true;
    try {
      if (link !== currentLink()) await openLink(link);
    } finally {
      loading = false;
    }
    if (pending !== null) {
      const next = pending;
      pending = null;
      await load(next);
    }
  };
  ch.onmessage = (e: MessageEvent) => {
    const r = message.safeParse(e.data);
    if (!r.success) return;
    if (r.data.kind === 'ended') {
      useApp.setState({ presentationEnded: true, blank: false });
      stop();
      return;
    }
    if (r.data.kind !== 'state') return;
    const { link, tour, blank, detail, ringsTab } = r.data;
    useApp.setState({ tour, blank, detail, ringsTab });
    void load(link);
  };
  ch.postMessage({ kind: 'hello' } satisfies PresentMessage);
  return stop;
}

/** The audience forwards a key to the presenter (a clicker aimed at the wrong window still works). */
export function forwardKey(action: 'tour-next' | 'tour-prev' | 'blank'): void {
  channel?.postMessage({ kind: 'key', action } satisfies PresentMessage);
}

/** The presenter ends the presentation: tells the audience window before closing the channel. */
export function endPresenting(): void {
  channel?.postMessage({ kind: 'ended' } satisfies PresentMessage);
  stop();
}

export function stop(): void {
  unsubscribe?.();
  unsubscribe = null;
  channel?.close();
  channel = null;
}
