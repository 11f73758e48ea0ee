import { describe, expect, it } from 'vitest';
import { checkAddress, checkBdf, checkCount, hexAddr, outcomeSentence, walkBoxes } from './dma-view.ts';
import { newSession, runDma, LAB_VMS } from '../../core/vtd/lab.ts';
import { sourceId } from '../../core/vtd/hardware.ts';

describe('DMA tab view helpers', () => {
  it('groups hex digits by four', () => {
    expect(hexAddr(0x2000_1000)).toBe('0x2000_1000');
    expect(hexAddr(0x12_3400)).toBe('0x12_3400');
    expect(hexAddr(0)).toBe('0x0');
  });

  it('draws an allowed walk ending in the host page', () => {
    const { result } = runDma(newSession(), { sourceId: sourceId(3, 0, 0), address: 0x12_3400, write: true });
    const t = result.translation;
    const boxes = walkBoxes(t.steps, t.ok, t.ok ? t.hpa : null);
    expect(boxes.map((b) => b.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'result']);
    expect(boxes.at(-1)?.entry).toBe('0x1012_3400');
  });

  it('marks the failing step and the steps never reached', () => {
    const { result } = runDma(newSession(), { sourceId: sourceId(3, 0, 1), address: 0x12_3400, write: true });
    const t = result.translation;
    const boxes = walkBoxes(t.steps, t.ok, null);
    expect(boxes.map((b) => b.state)).toEqual(['ok', 'fail', 'unreached', 'unreached', 'unreached', 'unreached']);
    expect(boxes[1].title).toBe('Context table');
  });

  it('says what happened in one sentence', () => {
    const ses = newSession();
    const { result } = runDma(ses, { sourceId: sourceId(3, 0, 0), address: LAB_VMS[1].hostBase + 0x1000, write: true });
    const s = outcomeSentence({ label: 'x', result, record: null, msiAddress: null }, { vms: [...LAB_VMS] });
    expect(s).toBe('Blocked: write by 03:00.0 at 0x2000_1000, fault reason 0x05, recorded in fault record 0.');
  });

  it('checks the custom request fields', () => {
    expect(checkBdf('03:00.0')).toEqual({ ok: true });
    expect(checkBdf('03:20.0').ok).toBe(false);
    expect(checkBdf('03:00.8').ok).toBe(false);
    expect(checkBdf('nic').ok).toBe(false);
    expect(checkAddress('0x12_3400')).toEqual({ ok: true });
    expect(checkAddress('0xzz').ok).toBe(false);
    expect(checkAddress('').ok).toBe(false);
    expect(checkCount('4', 1, 8, 'n')).toEqual({ ok: true, value: 4 });
    expect(checkCount('9', 1, 8, 'n').ok).toBe(false);
  });
});
