/**
 * Rings & VMX: the white paper's Table 1 and Figures 2 and 3 on the real core. The same program runs on
 * one of five platforms (native; the software-only VMMs: trap-and-emulate, binary translation, paravirtualization;
 * VT-x); the ring diagram shows where the processor is and
 * every transition with its cause and cost; the tabs beside it show the code, the VMCS, the exits, the
 * events, the VMM controls, the program editor and the CPU models. Three detail levels: Sales (rings
 * and boxes), Classroom (exit reasons, key VMCS fields), Engineer (everything).
 */
import { useEffect, useMemo } from 'react';
import { useApp } from '../../state/store.ts';
import type { DetailLevel, RingsTab } from '../../state/lab-slice.ts';
import { Tabs } from '../shell/Tabs.tsx';
import type { SessionMode } from '../../worker/protocol.ts';
import { commands } from '../engine/client.ts';
import { RingDiagram } from './RingDiagram.tsx';
import { CodePanel } from './CodePanel.tsx';
import { EventLogView } from '../viz/EventLogView.tsx';
import { EventDetails } from './EventDetails.tsx';
import { MachinePanel } from './MachinePanel.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';
import { SessionControls } from './SessionControls.tsx';
import { VmcsTab } from './VmcsTab.tsx';
import { ExitsTab } from './ExitsTab.tsx';
import { ModelsTab } from './ModelsTab.tsx';
import { ControlsTab } from './ControlsTab.tsx';
import { EptWalk } from './EptWalk.tsx';
import { EntryFailureBanner } from './EntryFailureBanner.tsx';
import { ProgramEditor } from './ProgramEditor.tsx';
import { SalesStory } from './SalesStory.tsx';
import { SensitivePanel } from './SensitivePanel.tsx';
import { platformOf, TRANSITION_KINDS, type PlatformId } from './platform.ts';
import { eventLog } from '../../state/event-log.ts';
import { EventKind } from '../../core/trace/events.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';
import './rings-lab.css';
import { t } from '../../i18n/t.ts';

const TABS: { id: RingsTab; label: MessageKey; levels: DetailLevel[]; scenario?: string }[] = [
  { id: 'code', label: 'rings.lab.tabCode', levels: ['classroom', 'engineer'] },
  // The sensitive-instruction lesson, beside its program only.
  { id: 'sensitive', label: 'rings.lab.tabSensitive', levels: ['classroom', 'engineer'], scenario: 'sensitive' },
  { id: 'vmcs', label: 'rings.lab.tabVmcs', levels: ['classroom', 'engineer'] },
  { id: 'exits', label: 'rings.lab.tabExits', levels: ['sales', 'classroom', 'engineer'] },
  { id: 'events', label: 'rings.lab.tabEvents', levels: ['classroom', 'engineer'] },
  { id: 'controls', label: 'rings.lab.tabControls', levels: ['classroom', 'engineer'] },
  { id: 'program', label: 'rings.lab.tabProgram', levels: ['classroom', 'engineer'] },
  { id: 'models', label: 'rings.lab.tabModels', levels: ['sales', 'classroom', 'engineer'] },
  { id: 'machine', label: 'rings.lab.tabMachine', levels: ['engineer'] },
  { id: 'ept', label: 'rings.lab.tabEpt', levels: ['engineer'] },
];

const PLATFORM_MODES: { id: PlatformId; label: MessageKey; mode: SessionMode; title: MessageKey }[] = [
  { id: 'native', label: 'rings.lab.native', mode: 'bare', title: 'rings.lab.nativeTitle' },
  { id: 'swvmm', label: 'rings.lab.swvmm', mode: 'swvmm', title: 'rings.lab.swvmmTitle' },
  { id: 'bt', label: 'rings.lab.bt', mode: 'bt', title: 'rings.lab.btTitle' },
  { id: 'pv', label: 'rings.lab.pv', mode: 'pv', title: 'rings.lab.pvTitle' },
  { id: 'vtx', label: 'rings.lab.vtx', mode: 'guest', title: 'rings.lab.vtxTitle' },
];

const DETAILS: { id: DetailLevel; label: MessageKey; title: MessageKey }[] = [
  { id: 'sales', label: 'rings.lab.sales', title: 'rings.lab.salesTitle' },
  { id: 'classroom', label: 'rings.lab.classroom', title: 'rings.lab.classroomTitle' },
  { id: 'engineer', label: 'rings.lab.engineer', title: 'rings.lab.engineerTitle' },
];

/** A row of toggle buttons (one pressed), keyboard-friendly. */
function Segmented<T extends string>({ label, value, options, onChange, testid }: { label: string; value: T; options: { id: T; label: string; title?: string; disabled?: boolean }[]; onChange(v: T): void; testid?: string }) {
  return (
    <div className="segmented" role="group" aria-label={label} data-testid={testid}>
      <span className="seg-label" aria-hidden="true">
        {label}
      </span>
      {options.map((o) => (
        <button key={o.id} type="button" className={o.id === value ? 'on' : ''} aria-pressed={o.id === value} title={o.title} disabled={o.disabled} onClick={() => onChange(o.id)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function RingsLab() {
  const animationMs = useApp((s) => s.animationMs);
  const loaded = useApp((s) => s.status !== null);
  const spec = useApp((s) => s.spec);
  const view = useApp((s) => s.view);
  const detail = useApp((s) => s.detail);
  const setDetail = useApp((s) => s.setDetail);
  const tab = useApp((s) => s.ringsTab);
  const setTab = useApp((s) => s.setRingsTab);
  const catalog = useApp((s) => s.catalog);
  const generation = useApp((s) => s.status?.generation ?? 0);
  useApp((s) => s.logVersion);

  useEffect(() => {
    if (!loaded) return;
    // Play holds on every transition the diagram animates, for the chosen time.
    void commands.setHold([...TRANSITION_KINDS], animationMs);
  }, [animationMs, loaded]);

  const mode = view?.mode ?? 'guest';
  const sawVmx = useMemo(() => eventLog.findBack(eventLog.endSeq - 1, [EventKind.VMEXIT, EventKind.VMENTRY, EventKind.VMX_INSTRUCTION]) !== undefined, [generation, view?.instret]);
  const platform = platformOf(mode, view?.vmx ?? 'none', sawVmx);
  // The Exits tab holds what stands for exits on the software platforms: the translation cache, the hypercalls.
  const exitsLabel = mode === 'bt' ? t('rings.lab.tabTranslation') : mode === 'pv' ? t('rings.lab.tabHypercalls') : t('rings.lab.tabExits');
  const visibleTabs = TABS.filter((x) => x.levels.includes(detail) && (x.scenario === undefined || x.scenario === spec.scenario)).map((x) => ({ ...x, label: x.id === 'exits' ? exitsLabel : t(x.label) }));
  const current = visibleTabs.some((x) => x.id === tab) ? tab : visibleTabs[0].id;
  const swvmmReady = catalog?.modes.includes('swvmm') === true;

  const switchPlatform = (m: SessionMode) => {
    if (m === mode) return;
    void commands.load({ ...spec, mode: m });
  };

  return (
    <div className="rings-lab">
      <div className="rings-toolbar">
        <h1 className="visually-hidden">{t('rings.lab.title')}</h1>
        <Segmented
          label={t('rings.lab.platform')}
          testid="platform"
          value={platform}
          options={PLATFORM_MODES.map((p) => {
            const ready = p.mode === 'bare' || p.mode === 'guest' || (p.mode === 'swvmm' ? swvmmReady : catalog?.modes.includes(p.mode) === true);
            return { id: p.id, label: t(p.label), title: ready ? t(p.title) : t('rings.lab.notAvailable', { title: t(p.title) }), disabled: !ready };
          })}
          onChange={(id) => switchPlatform(PLATFORM_MODES.find((p) => p.id === id)!.mode)}
        />
        <label className="toolbar-field">
          <span>{t('rings.lab.program')}</span>
          <select
            value={spec.source !== undefined ? '__edited' : spec.scenario}
            onChange={(e) => {
              if (e.target.value === '__edited') return;
              // The VMM settings are the VMM's, not the program's: they stay with another program. So does the platform
              // the user chose, for a program that runs on it unchanged.
              const next = catalog?.scenarios.find((x) => x.id === e.target.value);
              const keepMode = spec.mode !== undefined && next !== undefined && (next.portable || next.mode === spec.mode);
              void commands.load({ scenario: e.target.value, cpu: spec.cpu, seed: spec.seed, insnEvents: spec.insnEvents, ...(spec.settings !== undefined ? { settings: spec.settings } : {}), ...(keepMode ? { mode: spec.mode } : {}) });
            }}
          >
            {spec.source !== undefined && <option value="__edited">{t('rings.lab.edited')}</option>}
            {catalog?.scenarios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-field">
          <span>{t('rings.lab.cpu')}</span>
          <select value={spec.cpu ?? catalog?.defaultCpu} onChange={(e) => void commands.load({ ...spec, cpu: e.target.value })}>
            {catalog?.cpus.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.year}){c.ept ? '' : t('rings.lab.noEpt')}
              </option>
            ))}
          </select>
        </label>
        <Segmented label={t('rings.lab.detail')} testid="detail" value={detail} options={DETAILS.map((d) => ({ id: d.id, label: t(d.label), title: t(d.title) }))} onChange={setDetail} />
      </div>
      <EntryFailureBanner />
      <div className={`rings-grid detail-${detail}`}>
        <section className="panel diagram-panel" aria-label={t('rings.lab.diagram')}>
          <RingDiagram platform={platform} onReplay={() => undefined} />
        </section>
        {detail === 'sales' ? (
          <section className="panel side-panel" aria-label={t('rings.lab.happening')}>
            <SalesStory />
          </section>
        ) : (
          <section className="panel side-panel" aria-label={t('rings.lab.details')}>
            <Tabs tabs={visibleTabs} current={current} onChange={setTab}>
              {current === 'code' && <CodePanel />}
              {current === 'sensitive' && <SensitivePanel />}
              {current === 'vmcs' && <VmcsTab />}
              {current === 'exits' && <ExitsTab />}
              {current === 'events' && (
                <div className="events-tab">
                  <EventLogView />
                  <EventDetails />
                </div>
              )}
              {current === 'controls' && <ControlsTab />}
              {current === 'program' && (
                <div className="program-tab">
                  <ProgramEditor />
                  <SessionControls />
                </div>
              )}
              {current === 'models' && <ModelsTab />}
              {current === 'ept' && <EptWalk />}
              {current === 'machine' && (
                <div className="machine-tab">
                  <MachinePanel />
                  <ConsolePanel />
                </div>
              )}
            </Tabs>
          </section>
        )}
      </div>
    </div>
  );
}
