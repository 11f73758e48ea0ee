/**
 * The iteration order of a `java.util.HashMap<String, …>` (Java 8 and later, unchanged through Java 17), for the
 * maps CloudSim 3.0.3 iterates while a host re-shares its MIPS: `VmSchedulerTimeShared.mipsMapRequested`, keyed by
 * the VM uid `Vm.getUid(userId, vmId)` = `userId + "-" + vmId` (e.g. "2-17"). The order decides in which order
 * the VMs' requests are summed (`redistributeMipsDueToOverSubscription`) and re-allocated
 * (`VmSchedulerTimeShared.deallocatePesForVm`), which moves the floating-point results by an ulp now and then —
 * enough to flip a `Math.floor`, a `>=` against the free MIPS, and from there the day.
 *
 * java.util.HashMap, as far as the order goes:
 * - `hash(key)` = `h ^ (h >>> 16)` with h = `String.hashCode()` (s[0]·31^(n−1) + … + s[n−1] in int32);
 * - bucket = hash & (capacity − 1); the table starts at 16 buckets and doubles when a put makes the size exceed
 *   0.75 × capacity, or when a put makes a bucket's chain 9 long while the table has fewer than 64 buckets
 *   (`treeifyBin` resizes instead of building a tree); it never shrinks (`remove`, `clear` keep it);
 * - a new key goes to the end of its bucket's chain, a put on a present key leaves it where it is, a resize splits
 *   each chain into its low and high halves keeping their order: within a bucket the keys stay in insertion order;
 * - iteration: buckets 0 … capacity − 1, each chain in order.
 * A chain of 9 in a table of ≥ 64 buckets would become a red-black tree, whose order is not modelled here
 * (`treeified` reports it; the simulator counts it as an anomaly — it takes 9 uids in one bucket of 64).
 */

/** `String.hashCode()` (int32). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** `HashMap.hash(key)` for a String key: the hash code with its high half folded into the low half. */
export function javaHashMapHash(key: string): number {
  const h = javaStringHashCode(key);
  return h ^ (h >>> 16);
}

/** `Vm.getUid(userId, vmId)`. */
export function cloudSimVmUid(userId: number, vmId: number): string {
  return `${userId}-${vmId}`;
}

/**
 * The broker's entity id in CloudSim 3.0.3's PlanetLab runs (`PlanetLabRunner.init`: `CloudSim.init` registers the
 * shutdown entity and the CIS as entities 0 and 1, then `Helper.createBroker()`): the VMs' user id. Printed by the
 * unmodified 3.0.3 build (broker.getId() = 2, Vm.getUid(2, 17) = "2-17").
 */
export const CLOUDSIM_BROKER_ID = 2;

export const HASHMAP_DEFAULT_CAPACITY = 16;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * The capacity after a put of a new key (`HashMap.putVal`): `chainBefore` keys already in its bucket, `sizeAfter`
 * keys in the map with it. Returns the new capacity, or −capacity when the chain would be treeified (not modelled).
 */
export function capacityAfterPut(capacity: number, chainBefore: number, sizeAfter: number): number {
  let cap = capacity;
  if (chainBefore >= TREEIFY_THRESHOLD) {
    if (cap < MIN_TREEIFY_CAPACITY) cap *= 2; // treeifyBin → resize()
    else return -cap;
  }
  if (sizeAfter > cap * 0.75) cap *= 2; // ++size > threshold → resize()
  return cap;
}

/**
 * Writes to `out[0..n)` the positions 0..n−1 of `items` in HashMap iteration order at `capacity`, given that the
 * keys were inserted in position order (the order they are in is their insertion order): a stable sort by bucket.
 * `hashOf[items[i]]` is the key's `javaHashMapHash`.
 */
export function hashMapOrder(items: Int32Array, base: number, n: number, hashOf: Int32Array, capacity: number, out: Int32Array): void {
  if (bucketOf.length < n) bucketOf = new Int32Array(Math.max(n, bucketOf.length * 2));
  const bk = bucketOf;
  const mask = capacity - 1;
  for (let i = 0; i < n; i++) {
    const b = hashOf[items[base + i]] & mask;
    bk[i] = b;
    let j = i - 1;
    while (j >= 0 && bk[out[j]] > b) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = i;
  }
}

/** `hashMapOrder`'s scratch: the bucket of each position (grown when a longer list comes, never per call). */
let bucketOf = new Int32Array(64);

/**
 * A reference model of a `HashMap<String, V>`'s key order (put / remove / clear / keys), written from the
 * java.util.HashMap source; the tests compare it with Java's own output, and the simulator's typed-array
 * bookkeeping with it.
 */
export class JavaHashMapModel {
  private table: { key: string; hash: number }[][] = Array.from({ length: HASHMAP_DEFAULT_CAPACITY }, () => []);
  private count = 0;
  /** True once a put would have turned a chain into a tree (order no longer modelled). */
  treeified = false;

  get capacity(): number {
    return this.table.length;
  }

  get size(): number {
    return this.count;
  }

  put(key: string): void {
    const hash = javaHashMapHash(key);
    const chain = this.table[hash & (this.table.length - 1)];
    if (chain.some((e) => e.key === key)) return;
    const before = chain.length;
    chain.push({ key, hash });
    this.count++;
    const cap = capacityAfterPut(this.table.length, before, this.count);
    if (cap < 0) this.treeified = true;
    while (Math.abs(cap) > this.table.length) this.resize();
  }

  remove(key: string): void {
    const chain = this.table[javaHashMapHash(key) & (this.table.length - 1)];
    const i = chain.findIndex((e) => e.key === key);
    if (i >= 0) {
      chain.splice(i, 1);
      this.count--;
    }
  }

  clear(): void {
    for (const chain of this.table) chain.length = 0;
    this.count = 0;
  }

  keys(): string[] {
    return this.table.flatMap((chain) => chain.map((e) => e.key));
  }

  private resize(): void {
    const oldCap = this.table.length;
    const next: { key: string; hash: number }[][] = Array.from({ length: oldCap * 2 }, () => []);
    this.table.forEach((chain, j) => {
      for (const e of chain) next[(e.hash & oldCap) === 0 ? j : j + oldCap].push(e);
    });
    this.table = next;
  }
}
