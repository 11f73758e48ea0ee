/** The Controls tab's parsing and wording: what a user types, and how a failed control check is said. */
import { describe, expect, it } from 'vitest';
import { capabilityOf, crBitNames, namesIn, NAMED_PORTS, parseHex32, parseMsrs, parsePorts, runsOf, tidySettings, violationText } from './controls-model.ts';
import { diagnoseControls } from '../../core/vmm/controls-check.ts';
import { getCpuModel, toProcessorModel } from '../../core/cpu-models/index.ts';
import { planVmcs } from '../../core/vmm/vm.ts';

describe('controls model', () => {
  it('parses 32-bit hex values and says what is wrong', () => {
    expect(parseHex32('0x80000021')).toEqual({ ok: true, value: 0x80000021 });
    expect(parseHex32(' ffff_ffff ')).toEqual({ ok: true, value: 0xffffffff });
    expect(parseHex32('0xZZ')).toEqual({ ok: false, message: "'0xZZ' is not a hexadecimal number (for example 0x80000021)" });
    expect(parseHex32('0x100000000')).toEqual({ ok: false, message: "'0x100000000' has more than 32 bits (at most 0xFFFFFFFF)" });
  });

  it('parses ports and ranges up to 0xFFFF only', () => {
    expect(parsePorts('0x3f8-0x3fa')).toEqual({ ok: true, value: [0x3f8, 0x3f9, 0x3fa] });
    expect(parsePorts('80')).toEqual({ ok: true, value: [0x80] });
    expect(parsePorts('0x10000')).toEqual({ ok: false, message: 'port 0x10000 is above 0xFFFF: I/O ports are 16-bit (0x0–0xFFFF)' });
    expect(parsePorts('0x20-0x10').ok).toBe(false);
    expect(parsePorts('com1').ok).toBe(false);
  });

  it('parses MSRs inside the MSR bitmap ranges only (SDM Vol. 3C §24.6.9)', () => {
    expect(parseMsrs('0x174-0x176')).toEqual({ ok: true, value: [0x174, 0x175, 0x176] });
    expect(parseMsrs('0xC0000080')).toEqual({ ok: true, value: [0xc0000080] });
    const bad = parseMsrs('0x2000');
    expect(bad.ok ? '' : bad.message).toMatch(/^MSR 0x2000 is outside the MSR bitmap's ranges/);
    expect(parseMsrs('0x1000-0xC0000000').ok).toBe(false);
  });

  it('names runs of ports, CR bits, capabilities', () => {
    expect(runsOf([1, 2, 3, 7, 9, 10])).toEqual([[1, 3], [7, 7], [9, 10]]);
    expect(namesIn([0x3f8, 0x3ff], NAMED_PORTS)).toEqual(['COM1, 16550A UART']);
    expect(crBitNames('cr0', 0x80000031)).toBe('PE ET NE PG');
    expect(crBitNames('cr4', 0x2000 | 0x10)).toBe('PSE VMXE');
    const cap = { word: 'primary' as const, allowed0: 1 << 15, allowed1: (1 << 15) | (1 << 7), msr: 'IA32_VMX_PROCBASED_CTLS', present: true };
    expect(capabilityOf(cap, 15).text).toBe('must be 1');
    expect(capabilityOf(cap, 7).text).toBe('free (0 or 1)');
    expect(capabilityOf(cap, 31)).toEqual({ must: 0, text: 'must be 0', source: 'IA32_VMX_PROCBASED_CTLS: allowed-0 bit 31 = 0, allowed-1 bit 31 = 0' });
    expect(tidySettings({ hltExiting: false, rawControls: { pin: {} } })).toEqual({ hltExiting: false });
  });

  it('says a failed control check in words, with the MSR bit', () => {
    const m = toProcessorModel(getCpuModel('xeon-lv')!);
    const v = diagnoseControls(m, planVmcs(m, { ept: true }).controls);
    expect(v.map((x) => violationText(x, 'Xeon LV (2006)'))).toEqual([
      '‘Activate secondary controls’ (primary bit 31) must be 0 on Xeon LV (2006): IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 is 0: the processor has no secondary controls, so no EPT, VPID or unrestricted guest',
      '‘Enable EPT’ (secondary bit 1) must be 0 on Xeon LV (2006): xeon-lv has no IA32_VMX_PROCBASED_CTLS2',
    ]);
    const c = diagnoseControls(m, planVmcs(m, { cr3LoadExiting: false }).controls);
    expect(violationText(c[0], 'Xeon LV (2006)')).toBe('‘CR3-load exiting’ (primary bit 15) must be 1 on Xeon LV (2006): IA32_VMX_PROCBASED_CTLS allowed-0 bit 15 is 1');
  });
});
