/**
 * The DMA-remapping lab's explanations come from the catalogue (issue 8 item 7): under a pseudo-translation of
 * the `vtd` domain the walk notes, interrupt-remapping checks and SR-IOV messages are the translated text, while
 * the OS log lines stay Linux's own English (dmar.c prints them so; a user compares them with a real dmesg).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setCatalogue } from '../../i18n/t.ts';
import { DMA_DEMOS, IRQ_DEMOS, newSession, runDma, runInterrupt } from './lab.ts';
import { checkSriov, SRIOV_DEFAULTS } from './sriov.ts';
import { parseBdf } from './hardware.ts';
import { marked, pseudo } from '../../test-support/pseudo-catalogue.ts';

afterEach(() => setCatalogue(null, 'en'));

describe('VT-d messages follow the active catalogue', () => {
  it('every walk note of every DMA demo is translated; the dmesg line is not', () => {
    const english = DMA_DEMOS.map((d) => runDma(newSession(), { sourceId: parseBdf(d.device) as number, address: d.address, write: d.write, at: d.at, badRtaddr: d.badRtaddr }).result);
    setCatalogue(pseudo('vtd'), 'xx');
    for (const [k, d] of DMA_DEMOS.entries()) {
      const r = runDma(newSession(), { sourceId: parseBdf(d.device) as number, address: d.address, write: d.write, at: d.at, badRtaddr: d.badRtaddr }).result;
      for (const s of r.translation.steps) expect(marked(s.note), `${d.id}: ${s.note}`).toBe(true);
      expect(r.printed, d.id).toEqual(english[k].printed);
    }
    expect(english.some((r) => r.printed.some((l) => l.startsWith('DMAR: [DMA Write NO_PASID]')))).toBe(true);
  });

  it('every interrupt-remapping check is translated', () => {
    setCatalogue(pseudo('vtd'), 'xx');
    for (const d of IRQ_DEMOS) {
      const r = runInterrupt(newSession(), d.request).result;
      expect(r.result.checks.length, d.id).toBeGreaterThan(0);
      for (const c of r.result.checks) expect(marked(c), `${d.id}: ${c}`).toBe(true);
    }
  });

  it('SR-IOV input messages are translated', () => {
    setCatalogue(pseudo('vtd'), 'xx');
    const r = checkSriov({ ...SRIOV_DEFAULTS, vfStride: 0 }, 4);
    expect(r.ok === false && marked(r.message)).toBe(true);
  });
});
