import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VMX_FEATURES, featureFlags } from './features.ts';
import {
  FIELD_SLOT_BY_ENCODING,
  FIELD_SLOT_COUNT,
  VMCS_ENCODING_RESERVED_MASK,
  VMCS_FIELDS,
  VmcsField,
  checkFieldEncoding,
  encodingIndex,
  encodingType,
  encodingWidth,
  fieldByEncoding,
  fieldSlot,
  highestSupportedFieldIndex,
  isFieldSupported,
  isHighAccess,
  isReadOnlyField,
  isWellFormedEncoding,
  makeEncoding,
} from './fields.ts';

const ALL = featureFlags(VMX_FEATURES);
const NONE = featureFlags([]);

describe('VMCS field table', () => {
  it('spot-checks encodings against vmx.md §3.2', () => {
    expect(VmcsField.VIRTUAL_PROCESSOR_ID).toBe(0x0000);
    expect(VmcsField.GUEST_ES_SELECTOR).toBe(0x0800);
    expect(VmcsField.GUEST_TR_SELECTOR).toBe(0x080e);
    expect(VmcsField.HOST_TR_SELECTOR).toBe(0x0c0c);
    expect(VmcsField.IO_BITMAP_A).toBe(0x2000);
    expect(VmcsField.MSR_BITMAP).toBe(0x2004);
    expect(VmcsField.TSC_OFFSET).toBe(0x2010);
    expect(VmcsField.EPT_POINTER).toBe(0x201a);
    expect(VmcsField.GUEST_PHYSICAL_ADDRESS).toBe(0x2400);
    expect(VmcsField.VMCS_LINK_POINTER).toBe(0x2800);
    expect(VmcsField.GUEST_PDPTR3).toBe(0x2810);
    expect(VmcsField.HOST_IA32_EFER).toBe(0x2c02);
    expect(VmcsField.PIN_BASED_VM_EXEC_CONTROL).toBe(0x4000);
    expect(VmcsField.CPU_BASED_VM_EXEC_CONTROL).toBe(0x4002);
    expect(VmcsField.EXCEPTION_BITMAP).toBe(0x4004);
    expect(VmcsField.VM_EXIT_CONTROLS).toBe(0x400c);
    expect(VmcsField.VM_ENTRY_CONTROLS).toBe(0x4012);
    expect(VmcsField.VM_ENTRY_INTR_INFO_FIELD).toBe(0x4016);
    expect(VmcsField.SECONDARY_VM_EXEC_CONTROL).toBe(0x401e);
    expect(VmcsField.VM_INSTRUCTION_ERROR).toBe(0x4400);
    expect(VmcsField.VM_EXIT_REASON).toBe(0x4402);
    expect(VmcsField.VM_EXIT_INSTRUCTION_LEN).toBe(0x440c);
    expect(VmcsField.VMX_INSTRUCTION_INFO).toBe(0x440e);
    expect(VmcsField.GUEST_INTERRUPTIBILITY_INFO).toBe(0x4824);
    expect(VmcsField.GUEST_ACTIVITY_STATE).toBe(0x4826);
    expect(VmcsField.VMX_PREEMPTION_TIMER_VALUE).toBe(0x482e);
    expect(VmcsField.HOST_IA32_SYSENTER_CS).toBe(0x4c00);
    expect(VmcsField.CR0_GUEST_HOST_MASK).toBe(0x6000);
    expect(VmcsField.CR3_TARGET_VALUE3).toBe(0x600e);
    expect(VmcsField.EXIT_QUALIFICATION).toBe(0x6400);
    expect(VmcsField.GUEST_LINEAR_ADDRESS).toBe(0x640a);
    expect(VmcsField.GUEST_CR0).toBe(0x6800);
    expect(VmcsField.GUEST_RIP).toBe(0x681e);
    expect(VmcsField.GUEST_RFLAGS).toBe(0x6820);
    expect(VmcsField.GUEST_PENDING_DBG_EXCEPTIONS).toBe(0x6822);
    expect(VmcsField.HOST_RSP).toBe(0x6c14);
    expect(VmcsField.HOST_RIP).toBe(0x6c16);
  });

  it('records width, type and index consistent with the encoding', () => {
    for (const f of VMCS_FIELDS) {
      expect(f.encoding & 1).toBe(0);
      expect(f.encoding & VMCS_ENCODING_RESERVED_MASK).toBe(0);
      expect(f.width).toBe(encodingWidth(f.encoding));
      expect(f.type).toBe(encodingType(f.encoding));
      expect(f.index).toBe(encodingIndex(f.encoding));
      expect(makeEncoding(f.width, f.type, f.index)).toBe(f.encoding);
      expect(f.title.length).toBeGreaterThan(0);
      expect(f.description.length).toBeGreaterThan(20);
      expect(f.sdm.length).toBeGreaterThan(0);
    }
  });

  it('has unique encodings and names, in encoding order', () => {
    const encs = VMCS_FIELDS.map((f) => f.encoding);
    expect(new Set(encs).size).toBe(encs.length);
    expect(new Set(VMCS_FIELDS.map((f) => f.name)).size).toBe(encs.length);
    expect([...encs].sort((a, b) => a - b)).toEqual(encs);
  });

  it('groups fields as SDM §24.3 does', () => {
    const g = (name: keyof typeof VmcsField) => fieldByEncoding(VmcsField[name])!.group;
    expect(g('GUEST_RIP')).toBe('guest-state');
    expect(g('HOST_RIP')).toBe('host-state');
    expect(g('EXCEPTION_BITMAP')).toBe('execution-controls');
    expect(g('EPT_POINTER')).toBe('execution-controls');
    expect(g('VM_EXIT_CONTROLS')).toBe('exit-controls');
    expect(g('VM_EXIT_MSR_LOAD_ADDR')).toBe('exit-controls');
    expect(g('VM_ENTRY_INTR_INFO_FIELD')).toBe('entry-controls');
    expect(g('VM_ENTRY_MSR_LOAD_ADDR')).toBe('entry-controls');
    expect(g('EXIT_QUALIFICATION')).toBe('exit-information');
    expect(g('VM_INSTRUCTION_ERROR')).toBe('exit-information');
  });

  it('names the feature that makes a field exist', () => {
    const feat = (name: keyof typeof VmcsField) => fieldByEncoding(VmcsField[name])!.feature;
    expect(feat('EPT_POINTER')).toBe('ept');
    expect(feat('GUEST_PHYSICAL_ADDRESS')).toBe('ept');
    expect(feat('GUEST_PDPTR0')).toBe('ept');
    expect(feat('VIRTUAL_PROCESSOR_ID')).toBe('vpid');
    expect(feat('VMX_PREEMPTION_TIMER_VALUE')).toBe('preemption-timer');
    expect(feat('SECONDARY_VM_EXEC_CONTROL')).toBe('secondary-controls');
    expect(feat('GUEST_IA32_PAT')).toBe('pat');
    expect(feat('HOST_IA32_EFER')).toBe('efer');
    expect(feat('PLE_GAP')).toBe('pause-loop-exiting');
    expect(feat('MSR_BITMAP')).toBe('msr-bitmaps');
    expect(feat('GUEST_RIP')).toBeNull();
    expect(feat('VMCS_LINK_POINTER')).toBeNull();
  });
});

describe('encoding structure (SDM Vol. 3C §24.11.2)', () => {
  it('decodes width, type, index and access type', () => {
    expect(encodingWidth(0x681e)).toBe('natural');
    expect(encodingType(0x681e)).toBe('guest');
    expect(encodingIndex(0x681e)).toBe(15);
    expect(encodingWidth(0x2011)).toBe(64);
    expect(isHighAccess(0x2011)).toBe(true);
    expect(encodingWidth(0x4402)).toBe(32);
    expect(encodingType(0x4402)).toBe('exit-info');
    expect(encodingWidth(0x0c02)).toBe(16);
    expect(encodingType(0x0c02)).toBe('host');
  });

  it('rejects reserved bits 31:15 and 12', () => {
    expect(VMCS_ENCODING_RESERVED_MASK).toBe(0xffff9000);
    expect(isWellFormedEncoding(0x681e | 0x1000)).toBe(false);
    expect(isWellFormedEncoding(0x681e | 0x8000)).toBe(false);
    expect(isWellFormedEncoding(0x681e + 0x10000)).toBe(false);
    expect(isWellFormedEncoding(0xffffffff)).toBe(false);
    expect(checkFieldEncoding(0x1681e, ALL)).toEqual({ ok: false, reason: 'reserved-bits' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (enc) => {
        if ((enc & VMCS_ENCODING_RESERVED_MASK) !== 0) {
          expect(isFieldSupported(enc, ALL)).toBe(false);
          expect(fieldSlot(enc)).toBe(-1);
        }
      }),
    );
  });

  it('allows the high access type only for 64-bit fields', () => {
    expect(checkFieldEncoding(0x2011, ALL)).toMatchObject({ ok: true, high: true });
    expect(fieldByEncoding(0x2011)!.name).toBe('TSC_OFFSET');
    expect(checkFieldEncoding(0x681f, ALL)).toEqual({ ok: false, reason: 'high-access-not-64-bit' });
    expect(checkFieldEncoding(0x4403, ALL)).toEqual({ ok: false, reason: 'high-access-not-64-bit' });
    expect(checkFieldEncoding(0x0801, ALL)).toEqual({ ok: false, reason: 'high-access-not-64-bit' });
    for (const f of VMCS_FIELDS) {
      expect(isFieldSupported(f.encoding | 1, ALL)).toBe(f.width === 64);
      expect(isWellFormedEncoding(f.encoding | 1)).toBe(f.width === 64);
    }
  });

  it('rejects indices no field uses (VMREAD(~0) and friends → error 12)', () => {
    expect(isFieldSupported(0x681e + 2 * 30, ALL)).toBe(false); // natural guest index 45
    expect(checkFieldEncoding(0x2816, ALL)).toEqual({ ok: false, reason: 'no-such-field' }); // index 11 absent in vmx.md
    expect(isFieldSupported(0xffffffff, ALL)).toBe(false);
  });
});

describe('dense slots', () => {
  it('numbers every field 0..N-1 in table order, full and high access alike', () => {
    expect(FIELD_SLOT_COUNT).toBe(VMCS_FIELDS.length);
    expect(FIELD_SLOT_BY_ENCODING.length).toBe(0x8000);
    VMCS_FIELDS.forEach((f, slot) => {
      expect(fieldSlot(f.encoding)).toBe(slot);
      if (f.width === 64) expect(fieldSlot(f.encoding | 1)).toBe(slot);
      else expect(fieldSlot(f.encoding | 1)).toBe(-1);
    });
  });

  it('maps exactly the table encodings and nothing else', () => {
    let mapped = 0;
    for (let e = 0; e < 0x8000; e++) if (FIELD_SLOT_BY_ENCODING[e]! >= 0) mapped++;
    const sixtyFour = VMCS_FIELDS.filter((f) => f.width === 64).length;
    expect(mapped).toBe(FIELD_SLOT_COUNT + sixtyFour);
  });
});

describe('supported encodings per feature set', () => {
  it('always-present fields exist with no features; feature fields do not', () => {
    expect(isFieldSupported(VmcsField.GUEST_RIP, NONE)).toBe(true);
    expect(isFieldSupported(VmcsField.EPT_POINTER, NONE)).toBe(false);
    expect(checkFieldEncoding(VmcsField.EPT_POINTER, NONE)).toEqual({ ok: false, reason: 'feature-not-supported' });
    expect(isFieldSupported(VmcsField.EPT_POINTER, { ept: true })).toBe(true);
    expect(isFieldSupported(VmcsField.EPT_POINTER + 1, { ept: true })).toBe(true);
  });

  it('computes the IA32_VMX_VMCS_ENUM index: 21 without the preemption timer, 23 with it', () => {
    expect(highestSupportedFieldIndex(NONE)).toBe(21); // GUEST_SYSENTER_CS 0x482A
    expect(highestSupportedFieldIndex({ 'preemption-timer': true })).toBe(23); // 0x482E
  });

  it('marks type-1 fields read-only', () => {
    expect(isReadOnlyField(VmcsField.VM_EXIT_REASON)).toBe(true);
    expect(isReadOnlyField(VmcsField.GUEST_PHYSICAL_ADDRESS)).toBe(true);
    expect(isReadOnlyField(VmcsField.EXIT_QUALIFICATION)).toBe(true);
    expect(isReadOnlyField(VmcsField.GUEST_RIP)).toBe(false);
  });
});

// Cross-check every row of vmx.md §3.2 when the shared reference is present (it is, beside the repo, in CI).
const here = dirname(fileURLToPath(import.meta.url));
const VMX_MD = resolve(here, '../../../../docs/reference/vmx.md');
describe('agreement with shared/reference/vmx.md §3.2', () => {
  it('has one record per table row with the same encoding, index and Linux name', () => {
    const text = readFileSync(VMX_MD, 'utf8');
    const section = text.slice(text.indexOf('### 3.2 Field table'), text.indexOf('## 4. Control fields'));
    const rows = [...section.matchAll(/^\| (0x[0-9A-F]{4})(?: \(\+HIGH 0x[0-9A-F]{4}\))? \| (\w+) \| ([\w—]+) \| (\d+) \|/gm)];
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.length).toBe(VMCS_FIELDS.length);
    for (const [, encText, , linux, idx] of rows) {
      const enc = parseInt(encText!, 16);
      const f = fieldByEncoding(enc);
      expect(f, encText).toBeDefined();
      expect(f!.encoding).toBe(enc);
      expect(f!.index).toBe(Number(idx));
      if (linux !== '—') expect(f!.name).toBe(linux);
    }
  });
});
