/**
 * `t('rings.exitCount', { count: 3 })`: look a key up in the active catalogue and fill its placeholders.
 * Pure (no DOM), so view models and the worker-side narration can use it too.
 */
import { en, type Catalogue, type English, type LAZY_DOMAINS, type Message, type MessageKey } from './catalogue.ts';

type LazyDomain = (typeof LAZY_DOMAINS)[number];

export type Params = Readonly<Record<string, string | number>>;

/** The translation in use (null: English). A translation is complete by type, but may lag behind at run time. */
let active: Catalogue | null = null;

/**
 * English tables by domain: the first view's domains from `en`, the labs' own domains as their code loads
 * (catalogue.ts, `English`).
 */
const english: Record<string, Readonly<Record<string, Message>>> = { ...en };

/**
 * Called by a lazily loaded domain file (`en/io.ts` …) when it is evaluated, so its keys resolve from then on.
 * Registering the same table again is harmless (a lab's chunk may be evaluated in tests and in the app).
 */
export function registerEnglish<D extends LazyDomain>(domain: D, table: English[D]): void {
  english[domain] = table as Readonly<Record<string, Message>>;
}

let locale = 'en';
let plurals = new Intl.PluralRules(locale);

/** Switches language (a translation is a `Catalogue`); English is the default and the fallback. */
export function setCatalogue(catalogue: Catalogue | null, lang: string): void {
  active = catalogue;
  locale = lang;
  plurals = new Intl.PluralRules(lang);
}

export function currentLocale(): string {
  return locale;
}

function lookup(key: MessageKey): Message {
  const dot = key.indexOf('.');
  const domain = key.slice(0, dot) as keyof Catalogue;
  const name = key.slice(dot + 1);
  const table = active?.[domain] as Readonly<Record<string, Message>> | undefined;
  const fallback = english[domain];
  return table?.[name] ?? fallback?.[name] ?? key;
}

/** Fills `{name}` placeholders; an unknown placeholder stays visible (so a missing parameter is noticed). */
export function fill(text: string, params: Params | undefined): string {
  if (params === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: Params): string {
  const message = lookup(key);
  if (typeof message === 'string') return fill(message, params);
  const count = Number(params?.count ?? 0);
  const category = plurals.select(count);
  return fill(message[category] ?? message.other, params);
}
