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
import type { io } from './en/io.ts';
import type { isolation } from './en/isolation.ts';
import type { security } from './en/security.ts';
import type { migration } from './en/migration.ts';
import type { failover } from './en/failover.ts';
import type { consolidation } from './en/consolidation.ts';
import type { techniques } from './en/techniques.ts';
import type { cost } from './en/cost.ts';
import { cpus } from './en/cpus.ts';
import type { scenarios } from './en/scenarios.ts';
import type { methods } from './en/methods.ts';
import type { platform } from './en/platform.ts';
import type { partition } from './en/partition.ts';
import { machine } from './en/machine.ts';
import type { iopath } from './en/iopath.ts';
import type { vtd } from './en/vtd.ts';
import type { securitycore } from './en/securitycore.ts';
import { tours } from './en/tours.ts';
import { present } from './en/present.ts';
import { exportStrings } from './en/export.ts';
import { recovery } from './en/recovery.ts';
import type { asm } from './en/asm.ts';
import type { x86 } from './en/x86.ts';
import { vmm } from './en/vmm.ts';
import { session } from './en/session.ts';
import { links } from './en/links.ts';
import { state } from './en/state.ts';
import { worker } from './en/worker.ts';
import { sdm } from './en/sdm.ts';
import { vmx } from './en/vmx.ts';

export const en = {
  common,
  rings,
  viz,
  shell,
  engine,
  tours,
  present,
  export: exportStrings,
  recovery,
  vmm,
  machine,
  cpus,
  session,
  links,
  state,
  worker,
  sdm,
  vmx,
} as const;

/**
 * Every domain, the lazily loaded ones included. The labs' own domains (io … techniques) are not in `en`: each
 * registers itself when its lab's code is loaded (`registerEnglish` in t.ts), so their words stay out of the
 * first view's JavaScript (issue 8 item 8: at most 300 KB gzipped). A file that uses one of their keys imports the
 * domain file (`import '../../i18n/en/io.ts'`); lazy-domains.test.ts checks that every such file does.
 */
export type English = typeof en & {
  readonly asm: typeof asm;
  readonly x86: typeof x86;
  readonly io: typeof io;
  readonly isolation: typeof isolation;
  readonly security: typeof security;
  readonly migration: typeof migration;
  readonly failover: typeof failover;
  readonly consolidation: typeof consolidation;
  readonly techniques: typeof techniques;
  readonly cost: typeof cost;
  readonly scenarios: typeof scenarios;
  readonly methods: typeof methods;
  readonly platform: typeof platform;
  readonly partition: typeof partition;
  readonly iopath: typeof iopath;
  readonly vtd: typeof vtd;
  readonly securitycore: typeof securitycore;
};

/** The domains that load with their lab (see `English`). */
export const LAZY_DOMAINS = [
  'asm',
  'x86',
  'io',
  'isolation',
  'security',
  'migration',
  'failover',
  'consolidation',
  'techniques',
  'cost',
  'scenarios',
  'methods',
  'platform',
  'partition',
  'iopath',
  'vtd',
  'securitycore',
] as const;

/** A message: text with `{name}` placeholders, or plural forms keyed by CLDR category. */
export type Message = string | { readonly one: string; readonly other: string; readonly [category: string]: string };

type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : T[K] extends object ? { [C in keyof T[K]]: string } : never };

/** What another language must provide: every domain and key of the English catalogue. */
export type Catalogue = { readonly [D in keyof English]: Shape<English[D]> };

/** Every key, as `domain.key`. */
export type MessageKey = {
  [D in keyof English]: `${D & string}.${Extract<keyof English[D], string>}`;
}[keyof English];
