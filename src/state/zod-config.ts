/**
 * Zod compiles object schemas with `new Function` unless told not to; it first probes whether eval is allowed,
 * and under VT Lab's Content-Security-Policy (no 'unsafe-eval', issue 9) that probe is itself a CSP violation.
 * Jitless parsing is plenty fast for links and files. Imported first by the entry point, before any schema is built
 * (zod decides at schema construction).
 */
import { z } from 'zod';

z.config({ jitless: true });
