/**
 * The Controls tab: the built-in VT-x VMM's settings a student can flip (src/core/vmm/settings.ts), grouped as the
 * SDM groups the VMCS's VM-execution control fields (Vol. 3C §24.6): pin-based, primary and secondary
 * processor-based controls, the exception bitmap, the CR0/CR4 guest/host masks and read shadows, the I/O bitmaps
 * and the MSR bitmap — and, in Engineer detail, raw control bits. Each setting shows the VMCS field and bit it
 * writes, what the CPU model's capability MSRs allow (SDM Vol. 3C App. A.3–A.5) and the VMM's default.
 *
 * Nothing is clamped: before "Apply and re-run" the tab predicts, with the checks VM entry applies
 * (controls-check.ts), whether VMLAUNCH will fail with VMfailValid and VM-instruction error 7 (SDM Vol. 3C
 * §26.2.1.1, §30.4); after it, the lab shows the failure (EntryFailureBanner) and the VMCS tab the error number.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { formatVmmSettings } from '../../state/url.ts';
import type { ControlsDraft } from '../../state/controls-slice.ts';
import type { ControlCapability, SettingsReport, VmmSettings } from '../../worker/protocol.ts';
import type { VmmSettingDescription } from '../../core/vmm/settings.ts';
import { VMM_SETTINGS_INFO, type VmmSettingKey } from '../../core/vmm/settings-data.ts';
import { CONTROL_WORDS, CONTROL_WORD_INFO, type ControlWord } from '../../core/vmm/controls-check.ts';
import { controlBit } from '../../core/vmx/spec/controls.ts';
import { instructionErrorText } from './vmx-errors.ts';
import {
  capabilityOf,
  crBitNames,
  exceptionName,
  hex,
  mergeSorted,
  namesIn,
  NAMED_MSRS,
  NAMED_PORTS,
  parseHex32,
  parseMsrs,
  parsePorts,
  rangeText,
  runsOf,
  tidySettings,
  violationText,
  WORD_SHORT,
} from './controls-model.ts';
import './controls-tab.css';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

type BoolKey = 'hltExiting' | 'rdtscExiting' | 'invlpgExiting' | 'cr3LoadExiting' | 'cr3StoreExiting' | 'ept' | 'preemptionTimer';
type U32Key = 'cr0GuestHostMask' | 'cr0ReadShadow' | 'cr4GuestHostMask' | 'cr4ReadShadow' | 'exceptionBitmap';

const INFO = new Map(VMM_SETTINGS_INFO.map((i) => [i.key, i]));
const EMPTY_DRAFT: ControlsDraft = { settings: {}, text: {}, errors: {} };

/** Draft helpers: every change makes a new draft (the store keeps plain data). */
function withSetting(d: ControlsDraft, key: VmmSettingKey, value: unknown): ControlsDraft {
  const settings = { ...d.settings } as Record<string, unknown>;
  if (value === undefined) delete settings[key];
  else settings[key] = value;
  return { ...d, settings: settings as VmmSettings };
}
function withText(d: ControlsDraft, id: string, text: string | undefined, error: string | undefined): ControlsDraft {
  const t = { ...d.text };
  const e = { ...d.errors };
  if (text === undefined) delete t[id];
  else t[id] = text;
  if (error === undefined) delete e[id];
  else e[id] = error;
  return { ...d, text: t, errors: e };
}

export function ControlsTab() {
  const spec = useApp((s) => s.spec);
  const mode = useApp((s) => s.view?.mode ?? 'guest');
  const detail = useApp((s) => s.detail);
  const catalog = useApp((s) => s.catalog);
  const stored = useApp((s) => s.controlsDraft);
  const setDraft = useApp((s) => s.setControlsDraft);
  const specErrors = useApp((s) => s.specErrors);
  const engineState = useApp((s) => s.status?.state ?? 'empty');
  const applied = spec.settings ?? {};
  const draft = stored ?? { ...EMPTY_DRAFT, settings: applied };
  const cpu = spec.cpu ?? catalog?.defaultCpu ?? 'nehalem';
  const cpuInfo = catalog?.cpus.find((c) => c.id === cpu);
  const cpuName = cpuInfo !== undefined ? `${cpuInfo.name} (${cpuInfo.year})` : cpu;
  const engineer = detail === 'engineer';

  const [report, setReport] = useState<SettingsReport | null>(null);
  const [reportError, setReportError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const settingsKey = formatVmmSettings(draft.settings);
  useEffect(() => {
    let live = true;
    void commands
      .describeSettings(draft.settings, cpu)
      .then((r) => {
        if (!live) return;
        if (r.ok) {
          setReport(r.report);
          setReportError(null);
        } else setReportError(r.errors.map((e) => e.message).join('; '));
      })
      .catch((e: unknown) => live && setReportError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
    // settingsKey is the draft's settings in a canonical text form.
  }, [settingsKey, cpu]);

  const update = (fn: (d: ControlsDraft) => ControlsDraft) => setDraft(fn(useApp.getState().controlsDraft ?? { ...EMPTY_DRAFT, settings: useApp.getState().spec.settings ?? {} }));
  const described = (key: string): VmmSettingDescription | undefined => report?.described.settings.find((s) => s.key === key);
  const defaultOf = (key: string): VmmSettingDescription | undefined => report?.defaults.settings.find((s) => s.key === key);
  const cap = (word: ControlWord): ControlCapability | undefined => report?.capabilities.find((c) => c.word === word);

  const fieldErrors = Object.keys(draft.errors).filter((k) => !k.endsWith('-add'));
  const dirty = formatVmmSettings(tidySettings(draft.settings)) !== formatVmmSettings(applied);
  const moving = engineState === 'playing' || engineState === 'running';

  const apply = async () => {
    const s = tidySettings(draft.settings);
    const { settings: _old, ...rest } = spec;
    void _old;
    const next = Object.keys(s).length > 0 ? { ...rest, settings: s } : rest;
    setBusy(true);
    try {
      const ok = await commands.load(next);
      if (ok) {
        setDraft(null);
        // Re-run: from the start to the end (Esc cancels), so the exits, or the failed entry, are there to see.
        await commands.runTo({ to: 'end' });
      }
    } finally {
      setBusy(false);
    }
  };

  const boolRow = (key: BoolKey) => <BoolSetting key={key} k={key} draft={draft} update={update} d={described(key)} def={defaultOf(key)} cap={cap} />;
  const u32Row = (key: U32Key, decode?: 'cr0' | 'cr4') => <U32Setting key={key} k={key} draft={draft} update={update} d={described(key)} def={defaultOf(key)} decode={decode} />;

  const settingsErrors = specErrors.filter((e) => e.field === 'settings');
  const textForm = formatVmmSettings(tidySettings(draft.settings));

  return (
    <div className="controls-tab">
      <div className="ct-actions">
        <button type="button" className="btn primary" disabled={fieldErrors.length > 0 || busy} onClick={() => void apply()} aria-describedby="ct-apply-state">
          {t('rings.controls.apply')}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => setDraft({ ...EMPTY_DRAFT })}>
          {t('rings.controls.restore')}
        </button>
        {dirty && (
          <button type="button" className="btn" disabled={busy} onClick={() => setDraft(null)}>
            {t('rings.controls.discard')}
          </button>
        )}
        <span id="ct-apply-state" className={`ct-state ${fieldErrors.length > 0 ? 'bad' : dirty ? 'dirty' : ''}`}>
          {fieldErrors.length > 0
            ? t('rings.controls.toFix', { count: fieldErrors.length })
            : busy || moving
              ? t('rings.controls.running')
              : dirty
                ? t('rings.controls.changed')
                : Object.keys(applied).length > 0
                  ? t('rings.controls.applied')
                  : t('rings.controls.defaults')}
        </span>
      </div>
      <Prediction report={report} error={reportError} cpuName={cpuName} />

      {mode !== 'guest' && (
        <p className="ct-note" role="note">
          <strong>{t('rings.controls.notUsed')}</strong> {t('rings.controls.notUsedBody', { how: mode === 'bare' ? t('rings.controls.runsBare') : t('rings.controls.runsSoftware') })}
        </p>
      )}

      <p className="ct-intro">
        <T k="rings.controls.intro" params={{ cpu: cpuName }} parts={{ apply: <strong>{t('rings.controls.apply')}</strong> }} />
      </p>
      {settingsErrors.map((e) => (
        <p key={e.message} className="field-error" role="alert">
          {t('rings.controls.notApplied', { message: e.message })}
        </p>
      ))}

      <Group id="pin" title={t('rings.controls.groupPin')} field="PIN_BASED_VM_EXEC_CONTROL" sdm="§24.6.1">
        {boolRow('preemptionTimer')}
      </Group>
      <Group id="primary" title={t('rings.controls.groupPrimary')} field="CPU_BASED_VM_EXEC_CONTROL" sdm="§24.6.2">
        {boolRow('hltExiting')}
        {boolRow('invlpgExiting')}
        {boolRow('rdtscExiting')}
        {boolRow('cr3LoadExiting')}
        {boolRow('cr3StoreExiting')}
      </Group>
      <Group id="secondary" title={t('rings.controls.groupSecondary')} field="SECONDARY_VM_EXEC_CONTROL" sdm="§24.6.2">
        {boolRow('ept')}
      </Group>
      <Group id="exceptions" title={t('rings.controls.groupExceptions')} field="EXCEPTION_BITMAP" sdm="§24.6.3">
        {u32Row('exceptionBitmap')}
        {engineer && <ExceptionBits draft={draft} update={update} d={described('exceptionBitmap')} />}
      </Group>
      <Group id="cr" title={t('rings.controls.groupCr')} field="CR0_GUEST_HOST_MASK, CR0_READ_SHADOW, CR4_GUEST_HOST_MASK, CR4_READ_SHADOW" sdm="§24.6.6">
        {u32Row('cr0GuestHostMask', 'cr0')}
        {u32Row('cr0ReadShadow', 'cr0')}
        {u32Row('cr4GuestHostMask', 'cr4')}
        {u32Row('cr4ReadShadow', 'cr4')}
      </Group>
      <Group id="io" title={t('rings.controls.groupIo')} field={t('rings.controls.fieldIo')} sdm="§24.6.4">
        <ListSetting kind="ports" draft={draft} update={update} d={described('ioPassthroughPorts')} />
      </Group>
      <Group id="msr" title={t('rings.controls.groupMsr')} field={t('rings.controls.fieldMsr')} sdm="§24.6.9">
        <ListSetting kind="msrs" draft={draft} update={update} d={described('msrPassthrough')} />
      </Group>
      {engineer && (
        <Group id="raw" title={t('rings.controls.groupRaw')} field={t('rings.controls.fieldRaw')} sdm="§24.6–§24.8">
          <RawControls draft={draft} update={update} report={report} described={described} />
        </Group>
      )}
      {engineer && (
        <p className="ct-textform">
          <T
            k="rings.controls.asText"
            /* i18n-ignore: a command-line flag and a link parameter */
            parts={{ cli: <code>--vmm</code>, link: <code>vmm=</code>, value: <code>{textForm === '' ? t('rings.controls.asTextEmpty') : textForm.split('~').join('  ')}</code> }}
          />
        </p>
      )}
    </div>
  );
}

function Group({ id, title, field, sdm, children }: { id: string; title: string; field: string; sdm: string; children: ReactNode }) {
  return (
    <section className="ct-group" aria-labelledby={`ct-${id}`}>
      <h3 id={`ct-${id}`}>
        {title} <span className="ct-sdm">{t('rings.controls.sdm', { sdm })}</span>
      </h3>
      <p className="ct-field mono">{field}</p>
      {children}
    </section>
  );
}

function Prediction({ report, error, cpuName }: { report: SettingsReport | null; error: string | null; cpuName: string }) {
  let body: ReactNode;
  if (error !== null) body = <p className="field-error">{t('rings.controls.cannotCheck', { error })}</p>;
  else if (report === null) body = <p>{t('rings.controls.checking', { cpu: cpuName })}</p>;
  else if (report.described.entryWillFail) {
    body = (
      <>
        <p className="ct-verdict">
          <span aria-hidden="true">✗ </span>
          {t('rings.controls.willFail', { error: instructionErrorText(7) })}
        </p>
        <ul>
          {report.described.violations.map((v) => (
            <li key={`${v.word}.${v.bit}.${v.rule}`}>{violationText(v, cpuName)}</li>
          ))}
        </ul>
        <p className="ct-why">
          {t('rings.controls.why')}
        </p>
      </>
    );
  } else {
    const changed = report.described.settings.filter((s) => !s.isDefault).length;
    body = (
      <p className="ct-verdict">
        <span aria-hidden="true">✓ </span>
        {t('rings.controls.willPass', {
          cpu: cpuName,
          memory: report.described.mmu === 'ept' ? 'EPT' : t('rings.controls.shadowPaging'),
          ug: report.described.unrestrictedGuest ? t('rings.controls.unrestricted') : '',
          changed: changed === 0 ? t('rings.controls.allDefaults') : t('rings.controls.changedCount', { count: changed }),
        })}
      </p>
    );
  }
  const fail = report?.described.entryWillFail === true && error === null;
  return (
    <div className={`ct-prediction ${fail ? 'fail' : 'pass'}`} role="status" aria-live="polite" aria-label={t('rings.controls.prediction')} data-testid="controls-prediction">
      <h3>{t('rings.controls.predictionTitle')}</h3>
      {body}
    </div>
  );
}

interface RowProps {
  draft: ControlsDraft;
  update(fn: (d: ControlsDraft) => ControlsDraft): void;
  d: VmmSettingDescription | undefined;
}

/** Problems and warnings of one setting, from describeVmmSettings. */
function Notes({ d }: { d: VmmSettingDescription | undefined }) {
  if (d === undefined) return null;
  return (
    <>
      {d.problem !== undefined && (
        <p className="ct-problem">
          <span aria-hidden="true">✗ </span>
          {d.problem}
        </p>
      )}
      {d.warnings.map((w) => (
        <p key={w} className="ct-warning">
          <span aria-hidden="true">⚠ </span>
          {w}
        </p>
      ))}
    </>
  );
}

function BoolSetting({ k, draft, update, d, def, cap }: RowProps & { k: BoolKey; def: VmmSettingDescription | undefined; cap(w: ControlWord): ControlCapability | undefined }) {
  const info = INFO.get(k)!;
  const id = useId();
  const given = draft.settings[k];
  const value = given ?? (typeof d?.value === 'boolean' ? d.value : typeof def?.value === 'boolean' ? def.value : false);
  const bit = info.control!;
  let capability = capabilityOf(cap(bit.word), bit.bit);
  if (bit.word === 'secondary') {
    // Secondary controls count only with primary bit 31 "activate secondary controls" (SDM Vol. 3C §24.6.2).
    const p31 = capabilityOf(cap('primary'), 31);
    if (p31.must === 0) capability = { must: 0, text: t('rings.controls.must0'), source: t('rings.controls.noSecondary', { source: p31.source }) };
  }
  const set = given !== undefined;
  return (
    <div className={`ct-row ${d?.allowed === false ? 'bad' : ''}`}>
      <div className="ct-head">
        <input id={id} type="checkbox" checked={value} onChange={(e) => update((x) => withSetting(x, k, e.target.checked))} aria-describedby={`${id}-facts`} />
        <label htmlFor={id} className="ct-label">
          {info.label}
        </label>
        <span className={`ct-tag ${set ? 'set' : ''}`}>{set ? t('rings.controls.tagSet') : t('rings.controls.tagDefault')}</span>
        {set && (
          <button type="button" className="btn ct-small" onClick={() => update((x) => withSetting(x, k, undefined))} aria-label={t('rings.controls.useDefaultFor', { label: info.label })}>
            {t('rings.controls.useDefault')}
          </button>
        )}
      </div>
      <dl className="ct-facts" id={`${id}-facts`}>
        <div>
          <dt>{t('rings.controls.factVmcs')}</dt>
          <dd>
            <T k="rings.controls.fieldBit" params={{ bit: bit.bit }} parts={{ field: <code>{CONTROL_WORD_INFO[bit.word].field}</code> }} />
          </dd>
        </div>
        <div>
          <dt>{t('rings.controls.factCpu')}</dt>
          <dd title={capability.source}>
            <span className={capability.must === null ? '' : capability.must === 1 ? 'ct-must1' : 'ct-must0'}>{capability.text}</span>
            {capability.source !== '' && <span className="ct-source"> ({capability.source})</span>}
          </dd>
        </div>
        <div>
          <dt>{t('rings.controls.factDefault')}</dt>
          <dd>{typeof def?.value === 'boolean' ? (def.value ? t('rings.controls.on') : t('rings.controls.off')) : '…'}</dd>
        </div>
      </dl>
      {d !== undefined && <p className="ct-explain">{d.explanation}</p>}
      <Notes d={d} />
    </div>
  );
}

function U32Setting({ k, draft, update, d, def, decode }: RowProps & { k: U32Key; def: VmmSettingDescription | undefined; decode?: 'cr0' | 'cr4' }) {
  const info = INFO.get(k)!;
  const id = useId();
  const given = draft.settings[k];
  const typed = draft.text[k];
  const error = draft.errors[k];
  const defValue = typeof def?.value === 'number' ? def.value : undefined;
  const effective = given ?? (typeof d?.value === 'number' ? d.value : defValue);
  const shown = typed ?? (given !== undefined ? hex(given) : '');
  const onChange = (text: string) =>
    update((x) => {
      if (text.trim() === '') return withText(withSetting(x, k, undefined), k, undefined, undefined);
      const p = parseHex32(text);
      return p.ok ? withText(withSetting(x, k, p.value), k, text, undefined) : withText(x, k, text, p.message);
    });
  return (
    <div className={`ct-row ${d?.allowed === false ? 'bad' : ''}`}>
      <div className="ct-head">
        <label htmlFor={id} className="ct-label">
          {info.label} <span className="ct-unit">{t('rings.controls.hex')}</span>
        </label>
        <input
          id={id}
          className="ct-hex mono"
          type="text"
          inputMode="text"
          spellCheck={false}
          autoComplete="off"
          value={shown}
          placeholder={defValue !== undefined ? t('rings.controls.defaultPlaceholder', { value: hex(defValue) }) : ''}
          aria-invalid={error !== undefined}
          aria-describedby={`${id}-facts${error !== undefined ? ` ${id}-err` : ''}`}
          onChange={(e) => onChange(e.target.value)}
        />
        <span className={`ct-tag ${given !== undefined ? 'set' : ''}`}>{given !== undefined ? t('rings.controls.tagSet') : t('rings.controls.tagDefault')}</span>
        {(given !== undefined || typed !== undefined) && (
          <button type="button" className="btn ct-small" onClick={() => update((x) => withText(withSetting(x, k, undefined), k, undefined, undefined))} aria-label={t('rings.controls.useDefaultFor', { label: info.label })}>
            {t('rings.controls.useDefault')}
          </button>
        )}
      </div>
      {error !== undefined && (
        <p id={`${id}-err`} className="field-error" role="alert">
          {t('rings.controls.fieldError', { error })}
        </p>
      )}
      <dl className="ct-facts" id={`${id}-facts`}>
        <div>
          <dt>{t('rings.controls.factVmcs')}</dt>
          <dd>
            <code>{info.vmcs}</code>
          </dd>
        </div>
        <div>
          <dt>{t('rings.controls.factValue')}</dt>
          <dd className="mono">
            {effective !== undefined ? hex(effective) : '…'}
            {decode !== undefined && effective !== undefined && <span className="ct-source"> ({crBitNames(decode, effective)})</span>}
          </dd>
        </div>
        <div>
          <dt>{t('rings.controls.factDefault')}</dt>
          <dd className="mono">
            {defValue !== undefined ? hex(defValue) : '…'}
            {decode !== undefined && defValue !== undefined && <span className="ct-source"> ({crBitNames(decode, defValue)})</span>}
          </dd>
        </div>
      </dl>
      {d !== undefined && <p className="ct-explain">{d.explanation}</p>}
      <Notes d={d} />
    </div>
  );
}

/** The exception bitmap as 32 named checkboxes (Engineer detail); bit n: vector n exits (SDM Vol. 3C §24.6.3). */
function ExceptionBits({ draft, update, d }: RowProps) {
  const value = draft.settings.exceptionBitmap ?? (typeof d?.value === 'number' ? d.value : 0);
  const toggle = (n: number, on: boolean) =>
    update((x) => {
      const cur = x.settings.exceptionBitmap ?? value;
      const next = (on ? cur | (1 << n) : cur & ~(1 << n)) >>> 0;
      return withText(withSetting(x, 'exceptionBitmap', next), 'exceptionBitmap', undefined, undefined);
    });
  return (
    <fieldset className="ct-bits" disabled={draft.errors.exceptionBitmap !== undefined}>
      <legend>{t('rings.controls.exceptionsLegend')}</legend>
      {Array.from({ length: 32 }, (_, n) => (
        <label key={n} className="check">
          <input type="checkbox" checked={((value >>> n) & 1) === 1} onChange={(e) => toggle(n, e.target.checked)} />
          <span>
            {exceptionName(n)} <span className="ct-source">({n})</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function ListSetting({ kind, draft, update, d }: RowProps & { kind: 'ports' | 'msrs' }) {
  const id = useId();
  const key = kind === 'ports' ? 'ioPassthroughPorts' : 'msrPassthrough';
  const info = INFO.get(key)!;
  const addId = `${kind}-add`;
  const list = draft.settings[key] ?? [];
  const named = kind === 'ports' ? NAMED_PORTS : NAMED_MSRS;
  const typed = draft.text[addId] ?? '';
  const error = draft.errors[addId];
  const [preset, setPreset] = useState('');
  const add = (text: string) =>
    update((x) => {
      const p = kind === 'ports' ? parsePorts(text) : parseMsrs(text);
      if (!p.ok) return withText(x, addId, text, p.message);
      return withText(withSetting(x, key, mergeSorted(x.settings[key] ?? [], p.value)), addId, undefined, undefined);
    });
  const remove = (run: [number, number]) =>
    update((x) => {
      const next = (x.settings[key] ?? []).filter((n) => n < run[0] || n > run[1]);
      return withSetting(x, key, next.length > 0 ? next : undefined);
    });
  const runs = runsOf(list);
  return (
    <div className="ct-row">
      <p className="ct-explain">
        {kind === 'ports'
          ? t('rings.controls.portsExplain')
          : t('rings.controls.msrsExplain')}{' '}
        {t('rings.controls.noneListed')}
      </p>
      <h4 id={`${id}-list`} className="ct-subhead">
        {info.label}: {list.length === 0 ? t('rings.controls.none') : t(kind === 'ports' ? 'rings.controls.portCount' : 'rings.controls.msrCount', { count: list.length })}
      </h4>
      {runs.length > 0 && (
        <ul className="ct-list" aria-labelledby={`${id}-list`}>
          {runs.map((r) => {
            const names = namesIn(r, named);
            const label = `${rangeText(r)}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
            return (
              <li key={r[0]}>
                <span className="mono">{rangeText(r)}</span> {names.length > 0 && <span className="ct-source">{names.join(', ')}</span>}
                <button type="button" className="btn ct-small" onClick={() => remove(r)} aria-label={t(kind === 'ports' ? 'rings.controls.removePort' : 'rings.controls.removeMsr', { label })}>
                  {t('rings.controls.remove')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="ct-add">
        <label htmlFor={`${id}-add`} className="ct-label">
          {t(kind === 'ports' ? 'rings.controls.addPort' : 'rings.controls.addMsr')} <span className="ct-unit">{t('rings.controls.hex')}</span>
        </label>
        <input
          id={`${id}-add`}
          className="ct-hex mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={typed}
          /* i18n-ignore: example port / MSR ranges in hex */
          placeholder={kind === 'ports' ? '0x3F8-0x3FF' : '0x174-0x176'}
          aria-invalid={error !== undefined}
          aria-describedby={error !== undefined ? `${id}-err` : undefined}
          onChange={(e) => update((x) => withText(x, addId, e.target.value, undefined))}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(typed);
            }
          }}
        />
        <button type="button" className="btn" onClick={() => add(typed)}>
          {t('rings.controls.add')}
        </button>
        <label htmlFor={`${id}-preset`} className="visually-hidden">
          {t(kind === 'ports' ? 'rings.controls.knownPorts' : 'rings.controls.knownMsrs')}
        </label>
        <select id={`${id}-preset`} value={preset} onChange={(e) => setPreset(e.target.value)}>
          <option value="">{t(kind === 'ports' ? 'rings.controls.knownPortsOption' : 'rings.controls.knownMsrsOption')}</option>
          {named.map((n) => (
            <option key={n.from} value={`${hex(n.from)}-${hex(n.to)}`}>
              {rangeText([n.from, n.to])} {n.name}
              {'emulated' in n && !(n as { emulated: boolean }).emulated ? t('rings.controls.notEmulated') : ''}
            </option>
          ))}
        </select>
        <button type="button" className="btn" disabled={preset === ''} onClick={() => add(preset)} aria-label={t(kind === 'ports' ? 'rings.controls.addKnownPort' : 'rings.controls.addKnownMsr')}>
          {t('rings.controls.addKnown')}
        </button>
      </div>
      {error !== undefined && (
        <p id={`${id}-err`} className="field-error" role="alert">
          {error}
        </p>
      )}
      <Notes d={d} />
    </div>
  );
}

/** Raw control bits (Engineer detail): hex masks set and cleared in each control word, with every bit named. */
function RawControls({ draft, update, report, described }: { draft: ControlsDraft; update: RowProps['update']; report: SettingsReport | null; described(key: string): VmmSettingDescription | undefined }) {
  const onChange = (w: ControlWord, part: 'set' | 'clear', text: string) =>
    update((x) => {
      const id = `raw.${w}.${part}`;
      const raw = { ...(x.settings.rawControls ?? {}) };
      const bits = { ...(raw[w] ?? {}) };
      if (text.trim() === '') {
        delete bits[part];
      } else {
        const p = parseHex32(text);
        if (!p.ok) return withText(x, id, text, p.message);
        const other = part === 'set' ? bits.clear : bits.set;
        if (other !== undefined && (other & p.value) !== 0) return withText(x, id, text, t('rings.controls.bothSetCleared', { bits: hex(other & p.value) }));
        if (p.value === 0) delete bits[part];
        else bits[part] = p.value;
      }
      if (bits.set === undefined && bits.clear === undefined) delete raw[w];
      else raw[w] = bits;
      const s = { ...x.settings, rawControls: raw };
      return withText({ ...x, settings: tidySettings(s) }, id, text.trim() === '' ? undefined : text, undefined);
    });
  return (
    <div className="ct-row">
      <p className="ct-explain">
        {t('rings.controls.rawExplain')}
      </p>
      {CONTROL_WORDS.map((w) => {
        const cap = report?.capabilities.find((c) => c.word === w);
        const now = report?.described.controls[w];
        const d = described(`rawControls.${w}`);
        return (
          <div key={w} className="ct-raw">
            <h4 className="ct-subhead">
              {t(`vmm.controls.heading.${w}`)} <code>{CONTROL_WORD_INFO[w].field}</code>
              {now !== undefined && <span className="ct-source mono">{t('rings.controls.vmmWritesValue', { value: hex(now) })}</span>}
            </h4>
            <div className="ct-raw-fields">
              {(['set', 'clear'] as const).map((part) => {
                const id = `raw.${w}.${part}`;
                const given = draft.settings.rawControls?.[w]?.[part];
                const typed = draft.text[id];
                const error = draft.errors[id];
                return (
                  <div key={part} className="ct-raw-field">
                    <label htmlFor={`ct-${id}`} className="ct-label">
                      {t(part === 'set' ? 'rings.controls.setIn' : 'rings.controls.clearIn', { word: WORD_SHORT[w] })} <span className="ct-unit">{t('rings.controls.hex')}</span>
                    </label>
                    <input
                      id={`ct-${id}`}
                      className="ct-hex mono"
                      type="text"
                      spellCheck={false}
                      autoComplete="off"
                      value={typed ?? (given !== undefined ? hex(given) : '')}
                      placeholder="0x0"
                      aria-invalid={error !== undefined}
                      aria-describedby={error !== undefined ? `ct-${id}-err` : undefined}
                      onChange={(e) => onChange(w, part, e.target.value)}
                    />
                    {error !== undefined && (
                      <span id={`ct-${id}-err`} className="field-error" role="alert">
                        {error}
                      </span>
                    )}
                  </div>
                );
              })}
            </div>
            <details className="ct-bitmap">
              <summary>{t('rings.controls.everyBit', { word: WORD_SHORT[w] })}</summary>
              <table className="ct-bit-table">
                <caption className="visually-hidden">{t('rings.controls.bitsCaption', { title: CONTROL_WORD_INFO[w].title })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('rings.controls.colBit')}</th>
                    <th scope="col">{t('rings.controls.colName')}</th>
                    <th scope="col">{t('rings.controls.colCpu')}</th>
                    <th scope="col">{t('rings.controls.colVmm')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Array.from({ length: 32 }, (_, b) => {
                    const c = capabilityOf(cap, b);
                    const name = controlBit(w, b)?.name;
                    if (name === undefined && c.must === null) return null;
                    return (
                      <tr key={b}>
                        <td className="mono">{b}</td>
                        <th scope="row">{name ?? t('rings.controls.reserved')}</th>
                        <td title={c.source}>{c.text}</td>
                        <td className="mono">{now === undefined ? '…' : (now >>> b) & 1}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </details>
            <Notes d={d} />
          </div>
        );
      })}
    </div>
  );
}
