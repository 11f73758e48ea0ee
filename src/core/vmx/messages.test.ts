/**
 * What the VMX core explains comes from the catalogue (issue 8 item 7): under a pseudo-translation of the `sdm`
 * and `vmx` domains, the decoders' field labels and summaries, the inspector's explanations and the EPT walk's
 * reasons are the translated text, while SDM names (CR3, EAX, exit-reason names, field names) stay as they are.
 * The reference tables (field, control and exit-reason descriptions) read the catalogue when they are loaded,
 * so a language switch reloads the app (core-i18n brief); they are not re-read here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setCatalogue } from '../../i18n/t.ts';
import { walkEpt } from './ept-walk.ts';
import { inspectVmcs, type VmcsSnapshotLike } from './inspect.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import { VMCS_FIELDS, type VmcsFieldName } from './spec/fields.ts';
import { encodeEptp } from './spec/formats/ept.ts';
import { decodeInterruptionInfo, encodeInterruptionInfo } from './spec/formats/interruption.ts';
import { decodeExitQualification, encodeEptViolationQualification, encodeIoQualification, encodeMovCrQualification } from './spec/formats/qualification.ts';
import { marked, pseudo } from '../../test-support/pseudo-catalogue.ts';

afterEach(() => setCatalogue(null, 'en'));

function snap(values: Partial<Record<VmcsFieldName, number>>): VmcsSnapshotLike {
  return { ptr: 0x12000, launched: true, current: true, fields: VMCS_FIELDS.map((f) => [f.encoding, (values[f.name as VmcsFieldName] ?? 0) >>> 0, 0] as const) };
}

describe('VMX explanations follow the active catalogue', () => {
  it('exit qualifications: every field label and the summary are translated, register names are not', () => {
    setCatalogue(pseudo('sdm'), 'xx');
    const cases: [number, number][] = [
      [VmExitReason.CR_ACCESS, encodeMovCrQualification(3, true, 0)], // MOV CR3, EAX (SDM Table 27-3)
      [VmExitReason.IO_INSTRUCTION, encodeIoQualification(1, false, true, true, false, 0x3f8)], // rep outsb to port 3F8H (Table 27-5)
      [VmExitReason.EPT_VIOLATION, encodeEptViolationQualification(2, 1, true, true, false)], // write to R-- (Table 27-7)
      [VmExitReason.CPUID, 0], // no qualification
    ];
    for (const [reason, q] of cases) {
      const d = decodeExitQualification(reason, q);
      expect(marked(d.summary), d.summary).toBe(true);
      for (const p of d.parts) expect(marked(p.name), `${reason}: ${p.name}`).toBe(true);
    }
    expect(decodeExitQualification(VmExitReason.CR_ACCESS, encodeMovCrQualification(3, true, 0)).summary).toBe('‹MOV to CR3 from EAX›');
    expect(decodeExitQualification(VmExitReason.CR_ACCESS, encodeMovCrQualification(3, true, 0)).parts[0]!.meaning).toBe('CR3');
    // A plain IN/OUT is summarised in assembly syntax, which is not translated.
    expect(decodeExitQualification(VmExitReason.IO_INSTRUCTION, encodeIoQualification(1, true, false, false, true, 0x80)).summary).toBe('in AL, 0x80');
  });

  it('interruption information: the event with its error code is one translated sentence', () => {
    setCatalogue(pseudo('sdm'), 'xx');
    const d = decodeInterruptionInfo(encodeInterruptionInfo(13, 3, true), 'entry');
    expect(d.summary).toBe('‹inject #GP general protection with error code›');
    for (const p of d.parts) expect(marked(p.name), p.name).toBe(true);
  });

  it('the inspector explains in the active language and hides the same empty reserved rows in Classroom', () => {
    const values = {
      VM_EXIT_REASON: 0x80000000 | VmExitReason.ENTRY_FAILURE_GUEST_STATE,
      VM_INSTRUCTION_ERROR: 0,
      EPT_POINTER: encodeEptp(0x5000, 6).lo,
      GUEST_CR0: 0x80000031,
      GUEST_CS_AR_BYTES: 0xc09b,
      VM_ENTRY_INTR_INFO_FIELD: encodeInterruptionInfo(14, 3, true),
    };
    const english = inspectVmcs({ now: snap(values), before: null, transition: null }, { detail: 'classroom' });
    setCatalogue(pseudo('sdm', 'vmx'), 'xx');
    const translated = inspectVmcs({ now: snap(values), before: null, transition: null }, { detail: 'classroom' });
    const byName = (v: typeof english) => new Map(v.groups.flatMap((g) => g.fields).map((f) => [f.name, f]));
    const en = byName(english);
    const xx = byName(translated);
    const reason = xx.get('VM_EXIT_REASON')!.decoded!;
    // The SDM's exit-reason name stays (App. C), the sentence around it is translated.
    expect(reason.summary).toBe('‹VM-entry failure: 33 VM-entry failure due to invalid guest state›');
    expect(marked(xx.get('VM_INSTRUCTION_ERROR')!.decoded!.summary)).toBe(true);
    expect(marked(xx.get('VM_EXIT_INSTRUCTION_LEN')!.decoded!.summary)).toBe(true); // "0 bytes"
    // Classroom hides zero "Reserved…" rows by their translated names too: the same rows are listed.
    for (const [name, f] of en) {
      expect(xx.get(name)!.decoded?.parts.length, name).toBe(f.decoded?.parts.length);
    }
    expect(en.get('EPT_POINTER')!.decoded!.parts.some((p) => p.name.startsWith('Reserved'))).toBe(false);
  });

  it('the EPT walk says why it stopped in the active language', () => {
    setCatalogue(pseudo('vmx'), 'xx');
    const empty = { read32: () => 0 };
    const w = walkEpt(empty, encodeEptp(0x1000, 6), { executeOnly: false, page2M: true, page1G: false, maxPhysAddr: 36 }, 0x2000, 'read');
    expect(w.outcome.kind).toBe('violation');
    expect(w.outcome.kind === 'violation' && w.outcome.reason).toBe('‹the PML4E is not present (bits 2:0 — read, write, execute — are all 0): EPT violation›');
  });
});
