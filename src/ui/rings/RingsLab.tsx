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
import './rings-lab.css';

const TABS: { id: RingsTab; label: string; levels: DetailLevel[]; scenario?: string }[] = [
  { id: 'code', label: 'Code', levels: ['classroom', 'engineer'] },
  // The sensitive-instruction lesson, beside its program only.
  { id: 'sensitive', label: 'Sensitive', levels: ['classroom', 'engineer'], scenario: 'sensitive' },
  { id: 'vmcs', label: 'VMCS', levels: ['classroom', 'engineer'] },
  { id: 'exits', label: 'Exits', levels: ['sales', 'classroom', 'engineer'] },
  { id: 'events', label: 'Events', levels: ['classroom', 'engineer'] },
  { id: 'controls', label: 'Controls', levels: ['classroom', 'engineer'] },
  { id: 'program', label: 'Program', levels: ['classroom', 'engineer'] },
  { id: 'models', label: 'CPU models', levels: ['sales', 'classroom', 'engineer'] },
  { id: 'machine', label: 'Machine', levels: ['engineer'] },
  { id: 'ept', label: 'EPT walk', levels: ['engineer'] },
];

const PLATFORM_MODES: { id: PlatformId; label: string; mode: SessionMode; title: string }[] = [
  { id: 'native', label: 'Native', mode: 'bare', title: 'The program on the bare processor: no VMM' },
  { id: 'swvmm', label: 'Software VMM', mode: 'swvmm', title: 'A software-only VMM: the guest kernel deprivileged to ring 1 (trap and emulate)' },
  { id: 'bt', label: 'Binary translation', mode: 'bt', title: 'A binary-translating VMM: the guest kernel at ring 1 runs from a translation cache, sensitive instructions replaced by callouts (VMware before VT-x)' },
  { id: 'pv', label: 'Paravirtual', mode: 'pv', title: 'A paravirtual VMM: a guest kernel ported to hypercalls runs at ring 1 (Xen before VT-x); an unmodified one is crashed' },
  { id: 'vtx', label: 'VT-x', mode: 'guest', title: 'A VT-x VMM: the guest in VMX non-root operation' },
];

const DETAILS: { id: DetailLevel; label: string; title: string }[] = [
  { id: 'sales', label: 'Sales', title: 'Rings and boxes: what virtualization does, no registers' },
  { id: 'classroom', label: 'Classroom', title: 'Exit reasons, key VMCS fields, the code' },
  { id: 'engineer', label: 'Engineer', title: 'Everything: qualifications decoded, every VMCS field, cycle costs' },
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
  const exitsLabel = mode === 'bt' ? 'Translation' : mode === 'pv' ? 'Hypercalls' : 'Exits';
  const visibleTabs = TABS.filter((t) => t.levels.includes(detail) && (t.scenario === undefined || t.scenario === spec.scenario)).map((t) => (t.id === 'exits' ? { ...t, label: exitsLabel } : t));
  const current = visibleTabs.some((t) => t.id === tab) ? tab : visibleTabs[0].id;
  const swvmmReady = catalog?.modes.includes('swvmm') === true;

  const switchPlatform = (m: SessionMode) => {
    if (m === mode) return;
    void commands.load({ ...spec, mode: m });
  };

  return (
    <div className="rings-lab">
      <div className="rings-toolbar">
        <h1 className="visually-hidden">Rings &amp; VMX</h1>
        <Segmented
          label="Platform"
          testid="platform"
          value={platform}
          options={PLATFORM_MODES.map((p) => {
            const ready = p.mode === 'bare' || p.mode === 'guest' || (p.mode === 'swvmm' ? swvmmReady : catalog?.modes.includes(p.mode) === true);
            return { id: p.id, label: p.label, title: ready ? p.title : `${p.title} (not available yet)`, disabled: !ready };
          })}
          onChange={(id) => switchPlatform(PLATFORM_MODES.find((p) => p.id === id)!.mode)}
        />
        <label className="toolbar-field">
          <span>Program</span>
          <select
            value={spec.source !== undefined ? '__edited' : spec.scenario}
            onChange={(e) => {
              if (e.target.value === '__edited') return;
              // The VMM settings are the VMM's, not the program's: they stay with another program.
              void commands.load({ scenario: e.target.value, cpu: spec.cpu, seed: spec.seed, insnEvents: spec.insnEvents, ...(spec.settings !== undefined ? { settings: spec.settings } : {}) });
            }}
          >
            {spec.source !== undefined && <option value="__edited">Your program (edited)</option>}
            {catalog?.scenarios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-field">
          <span>CPU</span>
          <select value={spec.cpu ?? catalog?.defaultCpu} onChange={(e) => void commands.load({ ...spec, cpu: e.target.value })}>
            {catalog?.cpus.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.year}){c.ept ? '' : ', no EPT'}
              </option>
            ))}
          </select>
        </label>
        <Segmented label="Detail" testid="detail" value={detail} options={DETAILS} onChange={setDetail} />
      </div>
      <EntryFailureBanner />
      <div className={`rings-grid detail-${detail}`}>
        <section className="panel diagram-panel" aria-label="Privilege rings and VMX modes">
          <RingDiagram platform={platform} onReplay={() => undefined} />
        </section>
        {detail === 'sales' ? (
          <section className="panel side-panel" aria-label="What is happening">
            <SalesStory />
          </section>
        ) : (
          <section className="panel side-panel" aria-label="Details">
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
