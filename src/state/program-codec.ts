/**
 * A program in a link: UTF-8, deflate-raw (CompressionStream, built into browsers and Node 18+), base64url.
 * A 300-line lab file becomes a few kilobytes of URL; no server is involved.
 */
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

/** Decodes a program from a link; throws with a readable message when it is damaged. */
export async function decodeProgram(z: string): Promise<string> {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await pipe(fromBase64Url(z), new DecompressionStream('deflate-raw')));
    if (text.length > 200_000) throw new Error('too long');
    return text;
  } catch {
    throw new Error('the program in this link is damaged (it cannot be decompressed)');
  }
}
