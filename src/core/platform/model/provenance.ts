/**
 * Where a platform-model number comes from. Every figure the UI can show carries one of these
 * (docs/CONVENTIONS.md: never invent a number a user might quote).
 *   - `measured`:   quoted from the cited source;
 *   - `derived`:    computed from sourced numbers, `note` shows the arithmetic;
 *   - `assumption`: a model choice with no measurement behind it; the UI labels it and lets the user edit it.
 * `usage-models.md` below means ../shared/reference/usage-models.md (section numbers as there).
 */

import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';
export type FigureKind = 'measured' | 'derived' | 'assumption';

export interface Provenance {
  readonly kind: FigureKind;
  readonly source: string;
  readonly note?: string;
}

export const measured = (source: string, note?: string): Provenance =>
  note === undefined ? { kind: 'measured', source } : { kind: 'measured', source, note };
export const derived = (source: string, note: string): Provenance => ({ kind: 'derived', source, note });
export const assumption = (note: string): Provenance => ({ kind: 'assumption', source: t('platform.provenance.modelAssumption'), note });

/** A labelled, editable number (used for TCO, profile and fail-over parameters). */
export interface Param {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly provenance: Provenance;
}

export const SRC_A2 = t('platform.provenance.srcA2');
export const SRC_SEED = t('platform.provenance.srcSeed');
