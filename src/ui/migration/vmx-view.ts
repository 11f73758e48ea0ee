/**
 * Pure helpers of the Migration lab's VMX-core mode: the form's fields and their checks (the message is shown
 * beside the field and the typed text is kept), defaults, and the per-round table.
 */
import { MAX_HOT_PAGES } from '../../core/platform/migration/vmx-guest.ts';
import type { VmxMigrateRequest } from '../../worker/protocol.ts';
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';

export type VmxField = 'bandwidthMbit' | 'downtimeMs' | 'roundCap' | 'hotPages' | 'hotWritesPerTick' | 'coldWritesPerTick';

export const VMX_DEFAULTS: VmxMigrateRequest = {
  rule: 'xen',
  // 100 Mbit/s: Clark et al.'s first-round rate (usage-models.md §B1); a small VM then takes a visible 0.7 s
  bandwidthMbit: 100,
  downtimeMs: 300, // QEMU DEFAULT_MIGRATE_SET_DOWNTIME (§B2)
  roundCap: 0,
  hotPages: 32,
  hotWritesPerTick: 4,
  coldWritesPerTick: 1,
};

interface Spec {
  min: number;
  max: number;
  integer: boolean;
  name: string;
}

const SPECS: Record<VmxField, Spec> = {
  bandwidthMbit: { min: 0.001, max: 100_000, integer: false, get name() { return t('migration.vmxView.nameBandwidth'); } },
  downtimeMs: { min: 0, max: 100_000, integer: false, get name() { return t('migration.vmxView.nameDowntimeLimit'); } },
  roundCap: { min: 0, max: 200, integer: true, get name() { return t('migration.vmxView.nameRoundCap'); } },
  hotPages: { min: 1, max: MAX_HOT_PAGES, integer: true, get name() { return t('migration.vmxView.nameHotPages'); } },
  hotWritesPerTick: { min: 0, max: 1000, integer: true, get name() { return t('migration.vmxView.nameHotWritesPerTick'); } },
  coldWritesPerTick: { min: 0, max: 1000, integer: true, get name() { return t('migration.vmxView.nameColdWritesPerTick'); } },
};

export function checkVmxField(f: VmxField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = SPECS[f];
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: t('migration.vmxView.isRequired', { name: s.name }) };
  const v = Number(trimmed);
  if (!Number.isFinite(v)) return { ok: false, message: t('migration.vmxView.mustBeANumber', { name: s.name }) };
  if (s.integer && !Number.isInteger(v)) return { ok: false, message: t('migration.vmxView.mustBeAWhole', { name: s.name }) };
  if (v < s.min || v > s.max) return { ok: false, message: s.min === 0.001 ? t('migration.vmxView.mustBeAbove0AndAtMost', { name: s.name, max: s.max.toLocaleString('en-US') }) : t('migration.vmxView.mustBeAtLeastAndAtMost', { name: s.name, min: s.min, max: s.max.toLocaleString('en-US') }) };
  return { ok: true, value: v };
}

export const VMX_FIELDS: readonly VmxField[] = ['bandwidthMbit', 'downtimeMs', 'roundCap', 'hotPages', 'hotWritesPerTick', 'coldWritesPerTick'];

export function checkVmxForm(texts: Record<VmxField, string>): { ok: true; values: Pick<VmxMigrateRequest, VmxField> } | { ok: false; errors: Partial<Record<VmxField, string>> } {
  const errors: Partial<Record<VmxField, string>> = {};
  const values = {} as Pick<VmxMigrateRequest, VmxField>;
  for (const f of VMX_FIELDS) {
    const r = checkVmxField(f, texts[f]);
    if (r.ok) values[f] = r.value;
    else errors[f] = r.message;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

export function vmxTextsOf(r: VmxMigrateRequest): Record<VmxField, string> {
  return Object.fromEntries(VMX_FIELDS.map((f) => [f, String(r[f])])) as Record<VmxField, string>;
}
