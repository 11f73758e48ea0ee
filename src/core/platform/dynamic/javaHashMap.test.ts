/**
 * The Java-HashMap order helper against java.util.HashMap itself. Every expected order and table size below was
 * printed by OpenJDK 17.0.15 (whose HashMap keeps the Java 8 layout) running two small programs on
 * `HashMap<String, Integer>` with keys "2-<vmId>":
 *   - HashMapOrder.java: the put / remove / clear sequences of each case (labels A–J below), then
 *     `String.join(",", keySet())` and the table length read by reflection
 *     (`HashMap.class.getDeclaredField("table")`, run with `--add-opens java.base/java.util=ALL-UNNAMED`);
 *   - HashMapOps.java: 3000 operations drawn from `x = (x * 1103515245 + 12345) & 0x7fffffff` (int arithmetic,
 *     x₀ = 20110306), `r = (next() >> 8) % 100`: a put of "2-" + ((next() >> 8) % 1052) when fewer than 3 keys or
 *     r < 55 with fewer than 60; else a remove of the ((next() >> 8) % size)-th key in insertion order when r < 99;
 *     else clear() — the same loop as the last test here; printed every 375 operations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOUDSIM_BROKER_ID, JavaHashMapModel, capacityAfterPut, cloudSimVmUid, hashMapOrder, javaHashMapHash, javaStringHashCode } from './javaHashMap.ts';

const key = (id: number): string => cloudSimVmUid(CLOUDSIM_BROKER_ID, id);
const ids = (m: JavaHashMapModel): number[] => m.keys().map((k) => Number(k.slice(2)));

describe('java.util.HashMap order (expected values printed by Java)', () => {
  it('String.hashCode in int32 ("2-17".hashCode() = 1534369, "2-1051".hashCode() = 1474523574)', () => {
    expect(key(17)).toBe('2-17');
    expect(javaStringHashCode('2-17')).toBe(1534369);
    expect(javaStringHashCode('2-1051')).toBe(1474523574);
    expect(javaHashMapHash('2-17')).toBe(1534369 ^ (1534369 >>> 16));
  });

  it('12 keys stay in 16 buckets; the 13th doubles the table; remove and clear keep its size', () => {
    const m = new JavaHashMapModel();
    for (let i = 0; i < 12; i++) m.put(key(i));
    expect([m.capacity, ids(m)]).toEqual([16, [0, 1, 2, 3, 4, 5, 6, 7, 11, 8, 10, 9]]); // Java: A cap=16
    m.put(key(12));
    expect([m.capacity, ids(m)]).toEqual([32, [12, 11, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]); // Java: B cap=32
    m.remove(key(3));
    m.remove(key(7));
    m.put(key(7));
    m.put(key(3));
    m.put(key(5));
    expect([m.capacity, ids(m)]).toEqual([32, [12, 11, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]); // Java: C cap=32
    for (let i = 0; i < 13; i++) if (i !== 3 && i !== 9 && i !== 12) m.remove(key(i));
    expect([m.capacity, ids(m)]).toEqual([32, [12, 3, 9]]); // Java: D cap=32
  });

  it('keys inserted in descending order, and a host-like mix', () => {
    const e = new JavaHashMapModel();
    for (let i = 117; i >= 100; i--) e.put(key(i));
    expect([e.capacity, ids(e)]).toEqual([32, [110, 112, 101, 111, 100, 107, 117, 106, 109, 108, 114, 103, 113, 102, 116, 105, 115, 104]]); // Java: E
    const m = new JavaHashMapModel();
    for (const id of [512, 3, 1051, 77, 300, 45, 898, 11, 640, 222, 19, 700, 801, 5, 64]) m.put(key(id));
    expect([m.capacity, ids(m)]).toEqual([32, [640, 222, 898, 700, 45, 801, 77, 11, 300, 512, 64, 19, 1051, 3, 5]]); // Java: I
  });

  it('within a bucket: insertion order (a removed and re-put key goes last; a put on a present key does not move it)', () => {
    const m = new JavaHashMapModel();
    m.put(key(0));
    m.put(key(18)); // same bucket of 16 as 2-0
    m.put(key(1));
    m.remove(key(0));
    m.put(key(0));
    m.put(key(18));
    expect(ids(m)).toEqual([18, 0, 1]); // Java: J [2-18, 2-0, 2-1]
  });

  it('a 9th key in one bucket of a table under 64 buckets resizes it (treeifyBin) even below the load factor', () => {
    const same = [0, 18, 29, 90, 160, 171, 182, 193, 209]; // Java: F keys (bucket of 2-0 at 16)
    const m = new JavaHashMapModel();
    for (const id of same.slice(0, 8)) m.put(key(id));
    expect([m.capacity, ids(m)]).toEqual([16, [0, 18, 29, 90, 160, 171, 182, 193]]); // Java: F8
    m.put(key(209));
    expect([m.capacity, ids(m)]).toEqual([32, [90, 160, 171, 182, 193, 0, 18, 29, 209]]); // Java: F9
    expect(m.treeified).toBe(false);
    m.clear();
    for (let i = 20; i < 26; i++) m.put(key(i));
    expect([m.capacity, ids(m)]).toEqual([32, [25, 24, 23, 22, 21, 20]]); // Java: H (clear keeps the table)
  });

  it('3000 random puts, removes and clears (HashMapOps.java: LCG x = x·1103515245 + 12345 mod 2^31 from 20110306)', () => {
    // Java: "op N cap C size S [order]" every 375 operations
    const expected: [number, number, number[]][] = [
      [375, 64, [121, 1009, 442, 485, 383, 965, 889, 922, 33, 289, 666, 914, 29, 838, 1013, 550, 233, 474, 771, 130, 712, 139, 834, 432, 476, 795, 696, 710, 930, 413, 555, 808, 848, 704]],
      [750, 128, [982, 618, 437, 72, 47, 454, 85]],
      [1125, 128, [625, 935, 711, 953, 1023, 191, 361, 841, 176, 211, 177, 298, 174]],
      [1500, 128, [385, 642, 521, 330, 46]],
      [1875, 128, [540, 96, 1009, 443, 963, 644, 374, 217, 536]],
      [2250, 128, [860, 581, 546, 986, 306, 421, 226, 940, 742, 818, 859, 590, 26, 879, 312, 356, 994, 631, 314, 754, 63, 704, 1022, 390, 1009, 882, 288, 328, 444, 564, 248, 837, 913, 2, 7, 253, 299, 455, 44, 773, 853, 727]],
      [2625, 128, [991, 270, 439, 907, 959, 690, 457]],
      [3000, 128, [426, 989, 180, 1037, 955, 515, 710, 844, 444, 74, 1050, 494, 250, 294, 337, 257, 214, 1040, 968, 38]],
    ];
    let x = 20110306;
    const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff);
    const m = new JavaHashMapModel();
    let present: string[] = [];
    const got: [number, number, number[]][] = [];
    for (let op = 1; op <= 3000; op++) {
      const r = (next() >> 8) % 100;
      if (present.length < 3 || (r < 55 && present.length < 60)) {
        const k = key((next() >> 8) % 1052);
        if (!present.includes(k)) present.push(k);
        m.put(k);
      } else if (r < 99) {
        const [k] = present.splice((next() >> 8) % present.length, 1);
        m.remove(k);
      } else {
        m.clear();
        present = [];
      }
      if (op % 375 === 0) got.push([op, m.capacity, ids(m)]);
    }
    expect(got).toEqual(expected);
    expect(m.treeified).toBe(false);
  });
});

describe('the simulator-side helpers agree with the model', () => {
  it('capacityAfterPut: load factor 0.75, treeify resize below 64 buckets, a tree at 64', () => {
    expect(capacityAfterPut(16, 0, 12)).toBe(16);
    expect(capacityAfterPut(16, 0, 13)).toBe(32);
    expect(capacityAfterPut(16, 8, 9)).toBe(32);
    expect(capacityAfterPut(32, 8, 25)).toBe(64);
    expect(capacityAfterPut(16, 8, 25)).toBe(64); // treeify resize, then the load factor at the new size
    expect(capacityAfterPut(64, 8, 20)).toBe(-64);
  });

  it('hashMapOrder (a stable sort by bucket of keys in insertion order) gives the model\'s order for any insertion sequence', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1515 }), { minLength: 1, maxLength: 48 }), (vmIds) => {
        const m = new JavaHashMapModel();
        const hashOf = new Int32Array(1516);
        for (let v = 0; v < 1516; v++) hashOf[v] = javaHashMapHash(key(v));
        let cap = 16;
        const items = Int32Array.from(vmIds);
        for (let i = 0; i < vmIds.length; i++) {
          m.put(key(vmIds[i]));
          const b = hashOf[vmIds[i]] & (cap - 1);
          let chain = 0;
          for (let j = 0; j < i; j++) if ((hashOf[vmIds[j]] & (cap - 1)) === b) chain++;
          cap = Math.abs(capacityAfterPut(cap, chain, i + 1));
        }
        expect(cap).toBe(m.capacity);
        const out = new Int32Array(vmIds.length);
        hashMapOrder(items, 0, vmIds.length, hashOf, cap, out);
        expect(Array.from(out, (i) => vmIds[i])).toEqual(ids(m));
      }),
      { numRuns: 300 },
    );
  });
});
