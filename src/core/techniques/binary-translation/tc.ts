/**
 * The translation cache (TC): guest code address → translation, as plain data (a snapshot is a copy).
 *
 * A translation is one translation unit (TU, Adams & Agesen 2006 §3.1): the guest instructions from its start
 * up to and including the first control transfer or sensitive instruction, the end of the page, or
 * MAX_UNIT_INSNS. It keeps the original bytes and, per instruction, what the translator made of it (IDENT,
 * CALLOUT, BRANCH, INDIRECT) — the UI lists the two side by side. Translations are keyed by the host-physical
 * address of their first byte (the guest-physical address plus the VMM's offset) and the code size, so a guest
 * that maps the same code at two linear addresses, or changes its page tables, finds the right translation.
 * Each translation also remembers the translations its control transfers last chained to (`links`).
 *
 * Derived state (rebuilt on restore, never in a snapshot): the index by key and by page, and the decoded
 * instructions of each translation.
 */
import { decodeInsn } from '../../x86/decoder.ts';
import { Insn } from '../../x86/insn.ts';
import { formatInsn } from '../../x86/disasm/index.ts';
import { BT_CALLOUT_COUNT, BT_CALLOUT_NAMES, BtCallout, OP_KIND_NAMES, OpKind } from './kinds.ts';
import { t as msg } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

/** One guest instruction in a translation. */
export interface TranslatedOp {
  /** Byte offset from the translation's start. */
  offset: number;
  len: number;
  kind: OpKind;
  /** BtCallout for a CALLOUT, else −1. */
  callout: number;
}

export interface Translation {
  id: number;
  /** Guest linear address (CS base + EIP) it was translated at. */
  lin: number;
  /** Host-physical address of its first byte (guest-physical = hpa − the VMM's offset). */
  hpa: number;
  codeSize: number;
  /** The original guest bytes. */
  bytes: number[];
  ops: TranslatedOp[];
  /** Times execution entered it after the first (lookups that hit, and chained transfers). */
  hits: number;
  /** Simulated cycle it was translated at. */
  createdAt: number;
  /** Translations its exits chained to: [target host-physical address, translation id], most recent first (≤ 2). */
  links: [number, number][];
}

export interface TcCounters {
  /** TC lookups that found a translation. */
  hits: number;
  /** TC lookups that did not: the translator ran. */
  misses: number;
  /** Transfers from one translation straight into the next through a chain link (no lookup). */
  chained: number;
  /** Guest instructions translated (translation cost is charged per instruction). */
  translatedInsns: number;
  /** Translations dropped because the guest wrote to their bytes (self-modifying code). */
  invalidated: number;
  /** Guest writes that hit translated code. */
  smcWrites: number;
  /** Callouts by BtCallout. */
  callouts: number[];
  /** Cycles charged: translating, callouts, indirect-transfer lookups. */
  translateCycles: number;
  calloutCycles: number;
  indirectCycles: number;
  /** Instructions executed by kind (IDENT, CALLOUT, BRANCH, INDIRECT). */
  executed: number[];
}

export interface TcState {
  /** Live translations, by id. */
  entries: Translation[];
  nextId: number;
  counters: TcCounters;
}

export function newTcState(): TcState {
  return {
    entries: [],
    nextId: 1,
    counters: {
      hits: 0, misses: 0, chained: 0, translatedInsns: 0, invalidated: 0, smcWrites: 0,
      callouts: new Array<number>(BT_CALLOUT_COUNT).fill(0),
      translateCycles: 0, calloutCycles: 0, indirectCycles: 0, executed: [0, 0, 0, 0],
    },
  };
}

export function copyTcState(s: TcState): TcState {
  return {
    entries: s.entries.map((t) => ({ ...t, bytes: [...t.bytes], ops: t.ops.map((o) => ({ ...o })), links: t.links.map(([a, b]) => [a, b] as [number, number]) })),
    nextId: s.nextId,
    counters: { ...s.counters, callouts: [...s.counters.callouts], executed: [...s.counters.executed] },
  };
}

const key = (hpa: number, codeSize: number): number => hpa * 2 + (codeSize === 16 ? 1 : 0);

/** The live cache: plain-data state plus derived indexes. */
export class TranslationCache {
  state: TcState = newTcState();
  private readonly byKey = new Map<number, Translation>();
  private readonly byId = new Map<number, Translation>();
  private readonly byPage = new Map<number, Set<number>>();
  private readonly decoded = new Map<number, Insn[]>();

  /** Replaces the state (restore) and rebuilds the indexes. */
  load(s: TcState): void {
    this.state = copyTcState(s);
    this.byKey.clear();
    this.byId.clear();
    this.byPage.clear();
    this.decoded.clear();
    for (const t of this.state.entries) this.index(t);
  }

  get(hpa: number, codeSize: number): Translation | undefined {
    return this.byKey.get(key(hpa, codeSize));
  }

  byIdOf(id: number): Translation | undefined {
    return this.byId.get(id);
  }

  isLive(t: Translation): boolean {
    return this.byId.get(t.id) === t;
  }

  hasPage(page: number): boolean {
    return this.byPage.has(page);
  }

  /** Pages (host-physical page numbers) holding translated code. */
  pages(): number[] {
    return [...this.byPage.keys()];
  }

  add(t: Translation): void {
    this.state.entries.push(t);
    this.index(t);
  }

  private index(t: Translation): void {
    this.byKey.set(key(t.hpa, t.codeSize), t);
    this.byId.set(t.id, t);
    const page = Math.floor(t.hpa / 4096);
    let set = this.byPage.get(page);
    if (set === undefined) this.byPage.set(page, (set = new Set()));
    set.add(t.id);
  }

  /** Drops the translations of host page `page` whose bytes overlap [first, last] (first < 0: all). Returns them. */
  invalidate(page: number, first: number, last: number): Translation[] {
    const set = this.byPage.get(page);
    if (set === undefined) return [];
    const dropped: Translation[] = [];
    for (const id of [...set].sort((a, b) => a - b)) {
      const t = this.byId.get(id)!;
      if (first >= 0 && (t.hpa + t.bytes.length - 1 < first || t.hpa > last)) continue;
      dropped.push(t);
      set.delete(id);
      this.byId.delete(id);
      this.decoded.delete(id);
      if (this.byKey.get(key(t.hpa, t.codeSize)) === t) this.byKey.delete(key(t.hpa, t.codeSize));
    }
    if (set.size === 0) this.byPage.delete(page);
    if (dropped.length > 0) {
      const gone = new Set(dropped.map((t) => t.id));
      this.state.entries = this.state.entries.filter((t) => !gone.has(t.id));
    }
    return dropped;
  }

  /** The decoded instructions of `t` (decoded again from its original bytes after a restore). */
  insnsOf(t: Translation): Insn[] {
    let list = this.decoded.get(t.id);
    if (list === undefined) {
      const bytes = Uint8Array.from(t.bytes);
      list = t.ops.map((o) => {
        const insn = new Insn();
        decodeInsn(bytes, o.offset, Math.min(bytes.length, o.offset + 15), t.codeSize, insn);
        return insn;
      });
      this.decoded.set(t.id, list);
    }
    return list;
  }
}

/** One row of the TC listing: an original instruction and what the translation does in its place. */
export interface TcListingRow {
  /** Guest linear address. */
  address: number;
  /** Original bytes, hex, space-separated. */
  bytes: string;
  /** The original instruction (Intel syntax). */
  original: string;
  kind: string;
  /** What runs in the translation cache instead. */
  translated: string;
}

export interface TcListingEntry {
  id: number;
  guestLinear: number;
  guestPhysical: number;
  hits: number;
  createdAt: number;
  rows: TcListingRow[];
  /** Where its exits chained to (guest-physical addresses). */
  chainedTo: number[];
}

const hex2 = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');

/** The cache as the UI lists it: each translation's original bytes and instructions beside the translation. */
export function listTranslations(tc: TranslationCache, guestBase: number): TcListingEntry[] {
  return tc.state.entries.map((t) => {
    const insns = tc.insnsOf(t);
    const rows = t.ops.map((o, k) => {
      const address = (t.lin + o.offset) >>> 0;
      const original = formatInsn(insns[k], address);
      let translated: string;
      if (o.kind === OpKind.CALLOUT) translated = msg('methods.btTc.callVmmEmulateAgainst', { mnemonic: BT_CALLOUT_NAMES[o.callout] ?? '?' });
      else if (o.kind === OpKind.BRANCH) translated = msg('methods.btTc.chainedToTheTargets', { original });
      else if (o.kind === OpKind.INDIRECT) translated = msg('methods.btTc.targetLookedUpIn', { original });
      else translated = original;
      return {
        address,
        bytes: t.bytes.slice(o.offset, o.offset + o.len).map(hex2).join(' '),
        original,
        kind: OP_KIND_NAMES[o.kind],
        translated,
      };
    });
    return { id: t.id, guestLinear: t.lin >>> 0, guestPhysical: t.hpa - guestBase, hits: t.hits, createdAt: t.createdAt, rows, chainedTo: t.links.map(([hpa]) => hpa - guestBase) };
  });
}

export { BtCallout };
