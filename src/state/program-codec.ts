/**
 * A program in a link: UTF-8, deflate-raw (CompressionStream, built into browsers and Node 18+), base64url.
 * A 300-line lab file becomes a few kilobytes of URL; no server is involved.
 */
import { t } from '../i18n/t.ts';

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let k = 0; k < bytes.length; k += 0x8000) bin += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
  return out;
}

async function pipe(data: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([data as unknown as ArrayBuffer]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export async function encodeProgram(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
}

/** The longest program a link may carry (session/check.ts MAX_PROGRAM_CHARS), and its most UTF-8 bytes. */
const MAX_PROGRAM_CHARS = 200_000;
const MAX_PROGRAM_BYTES = MAX_PROGRAM_CHARS * 3;

/**
 * Decompresses at most `limit` bytes, reading the stream chunk by chunk: deflate expands up to ~1000:1, so a
 * 300 kB link could otherwise inflate to 300 MB before any length check (a decompression bomb, issue 9).
 */
async function inflateAtMost(data: Uint8Array, limit: number): Promise<Uint8Array | 'too-long'> {
  const reader = new Blob([data as unknown as ArrayBuffer]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too-long';
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Decodes a program from a link; throws with a readable message when it is damaged or too long. */
export async function decodeProgram(z: string): Promise<string> {
  let bytes: Uint8Array | 'too-long';
  try {
    bytes = await inflateAtMost(fromBase64Url(z), MAX_PROGRAM_BYTES);
  } catch {
    throw new Error(t('links.program.notInflatable'));
  }
  const tooLong = t('links.program.tooLong', { max: MAX_PROGRAM_CHARS.toLocaleString('en-US') });
  if (bytes === 'too-long') throw new Error(tooLong);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(t('links.program.notUtf8'));
  }
  if (text.length > MAX_PROGRAM_CHARS) throw new Error(tooLong);
  return text;
}
