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

expose(engine);
