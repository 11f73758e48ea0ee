/**
 * The one catalogue of user-visible strings (issue 8: "all user-visible strings in one catalogue ready for
 * translation"). Each domain keeps its strings in `en/<domain>.ts`; this file joins them. A translation is a
 * second object of the same shape (`Catalogue`), checked by the type system so no key is missed.
 *
 * Values are plain text with `{name}` placeholders, or `{ one, other }` (CLDR plural categories, chosen with
 * Intl.PluralRules from `count`). Numbers are formatted by the caller, so a translator only ever sees words.
 */
import { common } from './en/common.ts';
import { rings } from './en/rings.ts';
import { viz } from './en/viz.ts';
import { shell } from './en/shell.ts';
import { engine } from './en/engine.ts';
import { io } from './en/io.ts';
import { isolation } from './en/isolation.ts';
import { security } from './en/security.ts';
import { migration } from './en/migration.ts';
import { failover } from './en/failover.ts';
import { consolidation } from './en/consolidation.ts';
import { techniques } from './en/techniques.ts';
import { tours } from './en/tours.ts';
import { present } from './en/present.ts';
import { exportStrings } from './en/export.ts';
import { recovery } from './en/recovery.ts';

export const en = {
  common,
  rings,
  viz,
  shell,
  engine,
  io,
  isolation,
  security,
  migration,
  failover,
  consolidation,
  techniques,
  tours,
  present,
  export: exportStrings,
  recovery,
} as const;

/** A message: text with `{name}` placeholders, or plural forms keyed by CLDR category. */
export type Message = string | { readonly one: string; readonly other: string; readonly [category: string]: string };

type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : T[K] extends object ? { [C in keyof T[K]]: string } : never };

/** What another language must provide: every domain and key of the English catalogue. */
export type Catalogue = { readonly [D in keyof typeof en]: Shape<(typeof en)[D]> };

/** Every key, as `domain.key`. */
export type MessageKey = {
  [D in keyof typeof en]: `${D & string}.${Extract<keyof (typeof en)[D], string>}`;
}[keyof typeof en];
