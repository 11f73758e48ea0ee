/**
 * The MSR file: a Map-like store of 32-bit halves keyed by MSR index. The MSRs every VM exit and VM entry
 * saves or loads (IA32_SYSENTER_CS/ESP/EIP, IA32_DEBUGCTL, IA32_PAT — SDM Vol. 3C §26.3.2.1, §27.3.1,
 * §27.5.1) live in fixed slots so those transitions do no hashing; the rest live in a Map.
 */
const HOT = [0x174, 0x175, 0x176, 0x1d9, 0x277] as const;

function hotSlot(index: number): number {
  switch (index) {
    case 0x174: return 0;
    case 0x175: return 1;
    case 0x176: return 2;
    case 0x1d9: return 3;
    case 0x277: return 4;
    default: return -1;
  }
}

export class MsrMap implements Iterable<[number, number]> {
  private readonly hot = new Int32Array(HOT.length);
  private present = 0;
  private readonly rest = new Map<number, number>();

  get(index: number): number | undefined {
    const s = hotSlot(index);
    if (s >= 0) return (this.present & (1 << s)) !== 0 ? this.hot[s] : undefined;
    return this.rest.get(index);
  }

  set(index: number, value: number): this {
    const s = hotSlot(index);
    if (s >= 0) {
      this.hot[s] = value;
      this.present |= 1 << s;
    } else this.rest.set(index, value);
    return this;
  }

  /** Which of the fixed-slot MSRs hold a value: bit k for HOT[k] (IA32_SYSENTER_CS/ESP/EIP, IA32_DEBUGCTL, IA32_PAT). */
  hotPresent(): number {
    return this.present;
  }

  has(index: number): boolean {
    return this.get(index) !== undefined;
  }

  delete(index: number): boolean {
    const s = hotSlot(index);
    if (s >= 0) {
      const had = (this.present & (1 << s)) !== 0;
      this.present &= ~(1 << s);
      return had;
    }
    return this.rest.delete(index);
  }

  clear(): void {
    this.present = 0;
    this.rest.clear();
  }

  *[Symbol.iterator](): Iterator<[number, number]> {
    for (let s = 0; s < HOT.length; s++) if ((this.present & (1 << s)) !== 0) yield [HOT[s], this.hot[s]];
    yield* this.rest;
  }
}
