import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { crc32, isPng, PNG_LINK_KEYWORD, readPngText, withPngText } from './png-text.ts';
import { readSvgLink, withSvgLink } from './svg-link.ts';
import { exitsCsv } from './exits-csv.ts';
import { classifyImport } from './import-file.ts';

/** A real 1x1 PNG built by hand (signature, IHDR, IDAT, IEND), so the test does not trust the code under test. */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const c = new Uint8Array(12 + data.length);
    const dv = new DataView(c.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) c[4 + i] = type.charCodeAt(i);
    c.set(data, 8);
    dv.setUint32(8 + data.length, crc32(c.subarray(4, 8 + data.length)));
    return c;
  };
  const ihdr = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const idat = new Uint8Array(deflateSync(Buffer.from([0, 255, 0, 0])));
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const LINK = '#/rings?v=1&s=cpuid&cpu=nehalem&seed=1&insn=1&m=guest&t=42';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('PNG with its scene link (tEXt chunk)', () => {
  it('CRC-32 is the standard one (the check value of "123456789" is CBF43926)', () => {
    expect(crc32(enc('123456789')).toString(16)).toBe('cbf43926');
  });

  it('round-trips any printable link, and the image stays a valid PNG for an independent decoder', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\x20-\x7e]{0,300}$/), (link) => {
        const png = withPngText(tinyPng(), PNG_LINK_KEYWORD, link);
        expect(isPng(png)).toBe(true);
        expect(readPngText(png, PNG_LINK_KEYWORD)).toBe(link);
      }),
      { numRuns: 200 },
    );
    // Python's zlib-free PNG chunk walk with CRC check: every chunk's CRC must verify.
    const png = withPngText(tinyPng(), PNG_LINK_KEYWORD, LINK);
    const py = `import sys,struct,zlib\nd=sys.stdin.buffer.read()\nassert d[:8]==b'\\x89PNG\\r\\n\\x1a\\n'\no=8\nts=[]\nwhile o<len(d):\n  n,=struct.unpack('>I',d[o:o+4]);t=d[o+4:o+8];c,=struct.unpack('>I',d[o+8+n:o+12+n])\n  assert zlib.crc32(t+d[o+8:o+8+n])&0xffffffff==c\n  ts.append(t.decode());o+=12+n\nprint(','.join(ts))`;
    expect(execFileSync('python3', ['-c', py], { input: Buffer.from(png) }).toString().trim()).toBe('IHDR,tEXt,IDAT,IEND');
  });

  it('exporting twice keeps one link, the newest', () => {
    const once = withPngText(tinyPng(), PNG_LINK_KEYWORD, '#/a');
    const twice = withPngText(once, PNG_LINK_KEYWORD, '#/b');
    expect(readPngText(twice, PNG_LINK_KEYWORD)).toBe('#/b');
    expect(twice.length).toBe(once.length);
  });
});

describe('SVG with its scene link (metadata)', () => {
  it('round-trips any link, escaping what XML needs', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (link) => {
        const svg = withSvgLink('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>', link);
        expect(readSvgLink(svg)).toBe(link);
      }),
    );
  });
});

describe('exit log CSV', () => {
  it('one row per vmexit record, RFC 4180 quoting', () => {
    const trace = [
      '{"type":"vmentry","instruction":"VMLAUNCH","cycle":1}',
      '{"type":"vmexit","reason":48,"name":"EPT violation","qualification":"0x00000184","instructionLength":0,"guestEip":"0x00010000","cycle":5337,"vmcs":"0x00109000","cpu":0}',
      '{"type":"vmexit","reason":30,"name":"I/O, \\"port\\"","qualification":"0x03F80000","instructionLength":1,"guestEip":"0x00010010","cycle":6000,"vmcs":"0x00109000","cpu":0}',
    ].join('\n');
    expect(exitsCsv(trace).split('\r\n')).toEqual([
      'index,cycle,cpu,reason,name,qualification,instruction_length,guest_eip,vmcs,entry_failure',
      '0,5337,0,48,EPT violation,0x00000184,0,0x00010000,0x00109000,',
      '1,6000,0,30,"I/O, ""port""",0x03F80000,1,0x00010010,0x00109000,',
      '',
    ]);
  });
});

describe('import', () => {
  it('an exported PNG or SVG opens its scene', () => {
    expect(classifyImport('scene.png', withPngText(tinyPng(), PNG_LINK_KEYWORD, LINK))).toEqual({ kind: 'link', link: LINK, from: 'png' });
    expect(classifyImport('scene.svg', enc(withSvgLink('<svg xmlns="http://www.w3.org/2000/svg"></svg>', LINK)))).toEqual({ kind: 'link', link: LINK, from: 'svg' });
  });

  it('a JSON trace is summarised; a malformed one names the line', () => {
    const trace = enc('{"type":"vmexit","reason":10,"name":"CPUID","cycle":1}\n{"type":"vmexit","reason":10,"name":"CPUID","cycle":2}\n{"type":"console","text":"hi\\n","vm":0,"cycle":3}\n{"type":"end","reason":"halted","cycle":4}\n');
    expect(classifyImport('t.jsonl', trace)).toEqual({ kind: 'trace', summary: { records: 4, exits: [{ name: 'CPUID', reason: 10, count: 2 }], console: 'hi\n', end: 'halted' } });
    expect(classifyImport('t.jsonl', enc('{"type":"vmexit","reason":10,"name":"CPUID"}\n{"type":"vmexit",\n'))).toMatchObject({ kind: 'error', message: expect.stringMatching(/^t\.jsonl, line 2: not JSON/) });
    expect(classifyImport('t.jsonl', enc('{"type":"teleport"}'))).toMatchObject({ kind: 'error', message: "t.jsonl, line 1: 'teleport' is not a record type of the VT Lab trace format." });
  });

  it('a lab file is a program; a bad header names line and column', () => {
    expect(classifyImport('k.s', enc('; @mode bare\nhlt\n'))).toEqual({ kind: 'program', text: '; @mode bare\nhlt\n' });
    const bad = classifyImport('k.s', enc('; @mod bare\nhlt\n'));
    expect(bad.kind).toBe('error');
    expect(bad.kind === 'error' && bad.message).toMatch(/^k\.s, line 1, column \d+: /);
  });

  it('foreign or broken files are refused with a reason', () => {
    expect(classifyImport('x.png', tinyPng())).toMatchObject({ kind: 'error', message: expect.stringMatching(/not one VT Lab exported/) });
    expect(classifyImport('x.bin', new Uint8Array([0xff, 0xfe, 0x00, 0xc3]))).toMatchObject({ kind: 'error', message: expect.stringMatching(/not UTF-8/) });
    expect(classifyImport('e.s', new Uint8Array())).toEqual({ kind: 'error', message: 'e.s is empty.' });
    const tampered = withPngText(tinyPng(), PNG_LINK_KEYWORD, '#/rings?v=9');
    expect(classifyImport('t.png', tampered)).toMatchObject({ kind: 'error', message: expect.stringMatching(/cannot be opened: .*another version/) });
  });
});

describe('importing the app\'s own CSV exit log', () => {
  it('says it is a spreadsheet export, not a program with an unknown instruction', () => {
    const csv = 'index,cycle,cpu,reason,name,qualification,instruction_length,guest_eip,vmcs,entry_failure\r\n0,11910,0,10,CPUID,0x00000000,2,0x00010005,0x00105000,\r\n';
    const r = classifyImport('exits.csv', new TextEncoder().encode(csv));
    expect(r.kind).toBe('error');
    expect(r.kind === 'error' && r.message).toMatch(/^exits\.csv is a CSV exit log/);
    // Renamed, it is still recognised by its header row.
    const renamed = classifyImport('exits.txt', new TextEncoder().encode(csv));
    expect(renamed.kind === 'error' && renamed.message).toMatch(/CSV exit log/);
  });
});
