/**
 * A PNG that re-opens as its scene: the VT Lab link is written into the image as a tEXt chunk (PNG spec,
 * W3C 2nd ed. §11.3.4.3: keyword, a NUL, Latin-1 text; CRC-32 over type and data, §5.5), inserted right after
 * IHDR, and read back on import. Links are ASCII (base64url, ~, =), so tEXt is enough.
 */
// i18n-ignore: the PNG tEXt keyword a re-import looks for
export const PNG_LINK_KEYWORD = 'VT Lab link';
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && SIGNATURE.every((v, i) => b[i] === v);
}

/** The PNG with a tEXt chunk `keyword`=`text` after IHDR (replacing one with the same keyword). */
export function withPngText(png: Uint8Array, keyword: string, text: string): Uint8Array {
  if (!isPng(png)) throw new Error('not a PNG image');
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword) || !/^[\x20-\x7e]*$/.test(text)) throw new Error('tEXt holds printable ASCII only here');
  const data = new Uint8Array(keyword.length + 1 + text.length);
  for (let i = 0; i < keyword.length; i++) data[i] = keyword.charCodeAt(i);
  for (let i = 0; i < text.length; i++) data[keyword.length + 1 + i] = text.charCodeAt(i);
  const chunk = new Uint8Array(12 + data.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, data.length);
  chunk.set([0x74, 0x45, 0x58, 0x74], 4); // "tEXt"
  chunk.set(data, 8);
  dv.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  let inserted = false;
  for (const c of chunks(png)) {
    if (c.type === 'tEXt' && textOf(c.data)?.keyword === keyword) continue;
    parts.push(png.subarray(c.start, c.end));
    if (c.type === 'IHDR' && !inserted) {
      parts.push(chunk);
      inserted = true;
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The text of the tEXt chunk named `keyword` (null: none, or not a well-formed PNG). */
export function readPngText(png: Uint8Array, keyword: string): string | null {
  if (!isPng(png)) return null;
  for (const c of chunks(png)) {
    if (c.type !== 'tEXt') continue;
    const t = textOf(c.data);
    if (t?.keyword === keyword) return t.text;
  }
  return null;
}

function* chunks(png: Uint8Array): Generator<{ type: string; data: Uint8Array; start: number; end: number }> {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  while (o + 12 <= png.length) {
    const len = dv.getUint32(o);
    const end = o + 12 + len;
    if (end > png.length) return;
    const type = String.fromCharCode(png[o + 4], png[o + 5], png[o + 6], png[o + 7]);
    yield { type, data: png.subarray(o + 8, o + 8 + len), start: o, end };
    if (type === 'IEND') return;
    o = end;
  }
}

function textOf(d: Uint8Array): { keyword: string; text: string } | null {
  const nul = d.indexOf(0);
  if (nul < 1) return null;
  let keyword = '';
  for (let i = 0; i < nul; i++) keyword += String.fromCharCode(d[i]);
  let text = '';
  for (let i = nul + 1; i < d.length; i++) text += String.fromCharCode(d[i]);
  return { keyword, text };
}
