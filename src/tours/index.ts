/**
 * The guided tours, in the white paper's order (issue 8 item 1). The text lives in data/*.json; this module
 * only lists and checks them. A tour that does not parse is left out with its message (tours.test.ts fails
 * on it, so none ships broken).
 */
import { parseTour, type Tour } from './schema.ts';
import convergedPlatform from './data/converged-platform.json';
import rings from './data/rings.json';
import challenges from './data/challenges.json';
import vmx from './data/vmx.json';
import isolation from './data/isolation.json';
import consolidation from './data/consolidation.json';
import migration from './data/migration.json';
import security from './data/security.json';
import limits from './data/limits.json';
import conclusion from './data/conclusion.json';

const FILES: [string, unknown][] = [
  ['converged-platform.json', convergedPlatform],
  ['rings.json', rings],
  ['challenges.json', challenges],
  ['vmx.json', vmx],
  ['isolation.json', isolation],
  ['consolidation.json', consolidation],
  ['migration.json', migration],
  ['security.json', security],
  ['limits.json', limits],
  ['conclusion.json', conclusion],
];

export const TOUR_ERRORS: string[] = [];
export const TOURS: readonly Tour[] = FILES.flatMap(([file, data]) => {
  const r = parseTour(data, file);
  if (r.ok) return [r.tour];
  TOUR_ERRORS.push(r.message);
  return [];
});

export function tourById(id: string): Tour | undefined {
  return TOURS.find((t) => t.id === id);
}

export type { Tour, TourStep, TourQuestion } from './schema.ts';
