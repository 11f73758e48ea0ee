/**
 * The worker's clock: performance.now() and a zero-delay task queue built on MessageChannel (setTimeout
 * is clamped to 4 ms after a few nested calls, which would cap Play at a quarter of the frame rate).
 */
import type { EngineClock } from './engine.ts';

export function workerClock(): EngineClock {
  const queue: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const fn = queue.shift();
    fn?.();
  };
  return {
    now: () => performance.now(),
    schedule: (fn, ms) => {
      if (ms <= 0) {
        queue.push(fn);
        channel.port2.postMessage(0);
      } else setTimeout(fn, ms);
    },
  };
}
