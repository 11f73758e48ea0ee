/**
 * Memory images for time-travel snapshots. An image is the list of a memory's 4-KiB pages; a page that
 * did not change since the previous image is shared with it rather than copied, so a run with dozens of
 * snapshots of a 12-MiB machine costs little more than the pages it actually wrote.
 */
export const IMAGE_PAGE = 4096;

export interface PageImage {
  readonly size: number;
  readonly pages: readonly Uint8Array[];
}

function samePage(a32: Int32Array, aOff: number, b: Uint8Array): boolean {
  const b32 = new Int32Array(b.buffer, b.byteOffset, IMAGE_PAGE >> 2);
  for (let k = 0; k < IMAGE_PAGE >> 2; k++) if (a32[aOff + k] !== b32[k]) return false;
  return true;
}

/** Captures `mem` (a multiple of 4 KiB), sharing the pages that equal those of `prev`. */
export function captureImage(mem: Uint8Array, prev?: PageImage): PageImage {
  const n = Math.ceil(mem.length / IMAGE_PAGE);
  const pages: Uint8Array[] = new Array<Uint8Array>(n);
  const whole = mem.length % IMAGE_PAGE === 0 && mem.byteOffset % 4 === 0;
  const m32 = whole ? new Int32Array(mem.buffer, mem.byteOffset, mem.length >> 2) : null;
  const usable = prev !== undefined && prev.size === mem.length && m32 !== null;
  for (let k = 0; k < n; k++) {
    const start = k * IMAGE_PAGE;
    if (usable && samePage(m32!, start >> 2, prev!.pages[k])) pages[k] = prev!.pages[k];
    else pages[k] = mem.slice(start, Math.min(start + IMAGE_PAGE, mem.length));
  }
  return { size: mem.length, pages };
}

/** Writes an image back into `mem`. */
export function restoreImage(mem: Uint8Array, img: PageImage): void {
  if (img.size !== mem.length) throw new RangeError('memory image of a different size');
  for (let k = 0; k < img.pages.length; k++) mem.set(img.pages[k], k * IMAGE_PAGE);
}

/** Distinct pages held by a set of images (what they cost in memory). */
export function distinctPages(images: readonly PageImage[]): number {
  const seen = new Set<Uint8Array>();
  for (const img of images) for (const p of img.pages) seen.add(p);
  return seen.size;
}
