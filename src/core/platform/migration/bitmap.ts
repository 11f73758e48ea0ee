/**
 * Page bitmaps: one bit per guest page, bit (p & 31) of word (p >> 5), in a Uint32Array.
 * The byte view of the same layout (bit (p & 7) of byte (p >> 3)) is KVM's dirty-log layout
 * (KVM_GET_DIRTY_LOG fills an array of longs, one bit per page, little-endian); `orBytes` accepts that
 * layout endian-independently. A 4 GiB guest (1,048,576 pages) is 32,768 words = 128 KiB.
 */

export type PageBitmap = Uint32Array;

export function bitmapWords(pages: number): number {
  return (pages + 31) >>> 5;
}

export function newBitmap(pages: number): PageBitmap {
  return new Uint32Array(bitmapWords(pages));
}

/** Number of set bits in a 32-bit word (Hacker's Delight §5-1). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function countPages(bm: PageBitmap): number {
  let n = 0;
  for (let i = 0; i < bm.length; i++) {
    const w = bm[i];
    if (w !== 0) n += popcount32(w);
  }
  return n;
}

export function setPage(bm: PageBitmap, page: number): void {
  bm[page >>> 5] |= 1 << (page & 31);
}

export function testPage(bm: PageBitmap, page: number): boolean {
  return (bm[page >>> 5] & (1 << (page & 31))) !== 0;
}

/** Set every page in [0, pages). */
export function fillPages(bm: PageBitmap, pages: number): void {
  const full = pages >>> 5;
  bm.fill(0xffffffff, 0, full);
  const rest = pages & 31;
  if (rest !== 0) bm[full] |= ((1 << rest) - 1) >>> 0;
}

/** OR a KVM-layout byte bitmap (bit (p & 7) of byte (p >> 3)) into `bm`; returns nothing, independent of host endianness. */
export function orBytes(bm: PageBitmap, bytes: Uint8Array): void {
  const n = Math.min(bytes.length, bm.length * 4);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b !== 0) bm[i >>> 2] |= b << ((i & 3) << 3);
  }
}

/** A KVM-layout byte bitmap for `pages` pages. */
export function newByteBitmap(pages: number): Uint8Array {
  return new Uint8Array((pages + 7) >>> 3);
}
