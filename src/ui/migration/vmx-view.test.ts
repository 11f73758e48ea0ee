import { describe, expect, it } from 'vitest';
import { checkVmxField, checkVmxForm, vmxTextsOf, VMX_DEFAULTS } from './vmx-view.ts';

describe('VMX-core migration form', () => {
  it('accepts the defaults', () => {
    const r = checkVmxForm(vmxTextsOf(VMX_DEFAULTS));
    expect(r.ok).toBe(true);
  });
  it('explains each bad field beside it', () => {
    expect(checkVmxField('hotPages', '0')).toEqual({ ok: false, message: 'Hot pages must be at least 1 and at most 1,024' });
    expect(checkVmxField('hotPages', '2.5')).toEqual({ ok: false, message: 'Hot pages must be a whole number' });
    expect(checkVmxField('bandwidthMbit', '0')).toMatchObject({ ok: false, message: expect.stringMatching(/above 0/) });
    expect(checkVmxField('roundCap', 'x')).toEqual({ ok: false, message: 'Round cap must be a number' });
    const r = checkVmxForm({ ...vmxTextsOf(VMX_DEFAULTS), coldWritesPerTick: '-1', bandwidthMbit: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['bandwidthMbit', 'coldWritesPerTick']);
  });
});
