/**
 * The worker entry: exposes the engine and nothing else (see protocol.ts for the API). Kept apart from
 * engine.ts so tests can import the engine without a worker global.
 */
import { expose } from 'comlink';
import { createEngine } from './engine.ts';
import { workerClock } from './clock.ts';

const engine = createEngine(workerClock());

// Nothing dies silently: errors outside an API call (a task) are recorded where the UI reads them.
self.addEventListener('error', (e) => engine.reportError('worker', (e as ErrorEvent).error ?? (e as ErrorEvent).message));
self.addEventListener('unhandledrejection', (e) => engine.reportError('worker', (e as PromiseRejectionEvent).reason));

// Crash recovery (src/ui/engine/recovery.ts): the worker holds a Web Lock named after itself for as long as it
// lives, so the page learns at once that it was terminated or crashed (the lock is released), even while the
// worker is busy and cannot answer. Web Locks API, https://w3c.github.io/web-locks/ (locks held by an agent are
// released when it terminates; web-platform-tests web-locks/workers.https.html; e2e/recovery.spec.ts checks it in
// Chromium). Secure contexts only (https or localhost): elsewhere `navigator.locks` is absent and the page's
// heartbeat is the only signal.
if (self.name.startsWith('vt-lab-engine#') && 'locks' in navigator) {
  void navigator.locks.request(self.name, () => new Promise<never>(() => {}));
}

// End-to-end tests only (the page sends these through window.__vtlab.recovery, which exists only with
// ?test-hooks in the address or in a dev build): 'throw' is an uncaught error outside any API call, the way a
// real crash looks; 'hang' is a worker that never answers again (only the page's heartbeat notices). Handled
// before comlink's listener, which never sees them.
self.addEventListener('message', (e: MessageEvent) => {
  const what = (e.data as { vtlabTest?: unknown } | null)?.vtlabTest;
  if (what !== 'throw' && what !== 'hang') return;
  e.stopImmediatePropagation();
  setTimeout(() => {
    if (what === 'throw') throw new Error('test crash requested by the page');
    for (;;) {
      // spins until the page terminates this worker
    }
  }, 0);
});

expose(engine);
