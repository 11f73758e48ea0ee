/**
 * The Consolidation lab (issue 6 items 2, 3, 6): the seed roster one server per application ("before") against
 * packed on hosts ("after") by FFD, BFD, PABFD or a Kubernetes score; hosts as racks with VMs as tiles labelled by
 * role; utilisation per resource, hosts against the lower bound, power and the TCO with editable assumptions; VMs
 * moved by hand (pointer drag, or select a VM and "Move to host") checked by checkMove; and a PlanetLab day of
 * dynamic consolidation replayed in the worker. Every number opens to its formula and source.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { HOST_TYPES } from '../../core/platform/model/index.ts';
import { RESOURCES, RESOURCE_NAMES, RESOURCE_UNITS, evacuateHost, summarise, type Evacuation, type PlacementSummary } from '../../core/platform/placement/index.ts';
import { DEMAND_BASES, PLACEMENT_ALGORITHMS, type PlacementAlgorithm } from '../../state/consolidation-link.ts';
import {
  ALGORITHM_LABELS,
  ALGORITHM_SOURCES,
  ROLE_LABELS,
  afterPlacement,
  capacityText,
  hostTypeSource,
  hostsFigure,
  hostsToDraw,
  lowerBoundFigure,
  powerFigure,
  scenario,
  tcoInputs,
  tcoOf,
  tryMove,
  utilFigure,
  type Scenario,
} from './view.ts';
import { TcoPanel } from './TcoPanel.tsx';
import { DynamicDayPanel } from './DynamicDayPanel.tsx';
import { Fig } from './Fig.tsx';
import './consolidation.css';
import '../../i18n/en/consolidation.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

export function ConsolidationLab() {
  const c = useApp((s) => s.consolidation);
  const setConsolidation = useApp((s) => s.setConsolidation);
  const sc = useMemo(() => scenario(c.hostType, c.demand), [c.hostType, c.demand]);
  const after = useMemo(() => afterPlacement(sc, c.algorithm, c.moves), [sc, c.algorithm, c.moves]);
  const beforeSum = useMemo(() => summarise(sc.items, sc.before.hosts, sc.before.assignment), [sc]);
  const afterSum = useMemo(() => summarise(sc.items, sc.hosts, after.assignment), [sc, after]);
  const inputs = useMemo(() => tcoInputs(c.tco), [c.tco]);
  const beforeTco = useMemo(() => tcoOf(beforeSum, sc.before.hosts, inputs), [beforeSum, sc, inputs]);
  const afterTco = useMemo(() => tcoOf(afterSum, sc.hosts, inputs), [afterSum, sc, inputs]);

  const [selected, setSelected] = useState<string | null>(null);
  const [target, setTarget] = useState<string>('');
  const [refusal, setRefusal] = useState<{ host: string; vm: string; messages: string[] } | null>(null);
  const [dragOver, setDragOver] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [evac, setEvac] = useState<Evacuation | null>(null);

  const vmName = (id: string): string => sc.items.find((i) => i.id === id)?.name ?? id;
  const move = (vm: string, host: string): void => {
    const r = tryMove(sc, after, c.moves, vm, host);
    if (!r.ok) {
      setRefusal({ host, vm, messages: r.messages });
      setStatus(t('consolidation.lab.refusedCannotMoveTo', { vmName: vmName(vm), host, join: r.messages.join(' ') }));
      return;
    }
    setRefusal(null);
    setConsolidation({ moves: r.moves });
    setStatus(t('consolidation.lab.movedTo', { vmName: vmName(vm), host }));
  };

  /** Maintenance mode: every VM off `host` (capacity and anti-affinity kept), the moves added to the hand moves. */
  const evacuate = (host: string): void => {
    const e = evacuateHost(sc.items, sc.hosts, after.assignment, host);
    setEvac(e);
    setRefusal(null);
    if (e.moves.length > 0) {
      const moved = new Set(e.moves.map((m) => m.vmId));
      setConsolidation({ moves: [...c.moves.filter((m) => !moved.has(m.vm)), ...e.moves.map((m) => ({ vm: m.vmId, host: m.to }))] });
    }
    setStatus(
      t('consolidation.lab.evacuating', {
        host,
        count: e.moves.length,
        outcome: e.canShutDown ? t('consolidation.lab.isEmptyAndCan', { host }) : t('consolidation.lab.vmSCannotLeave', { length: e.stuck.length, host }),
      }),
    );
  };

  // A new placement (algorithm, host type or demand changed) redraws the hosts; say its result too.
  const placed = useRef(false);
  useEffect(() => {
    if (!placed.current) {
      placed.current = true;
      return;
    }
    setStatus(t('consolidation.lab.placementAnnounce', { algorithm: ALGORITHM_LABELS[c.algorithm], after: afterSum.hostsUsed, before: beforeSum.hostsUsed }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c.algorithm, c.hostType, c.demand]);

  const drawn = hostsToDraw(afterSum);
  const ht = sc.hostType;

  return (
    <div className="consolidation">
      <div className="cn-head">
        <div>
          <h1>{t('consolidation.lab.consolidation')}</h1>
          <p className="cn-lede">
            {t('consolidation.lab.theWhitePaperS')}
          </p>
        </div>
        <div className="cn-controls">
          <label className="field">
            <span>{t('consolidation.lab.placementAlgorithm')}</span>
            <select value={c.algorithm} onChange={(e) => { setConsolidation({ algorithm: e.target.value as PlacementAlgorithm, moves: [] }); setRefusal(null); }}>
              {PLACEMENT_ALGORITHMS.map((a) => (
                <option key={a} value={a}>
                  {ALGORITHM_LABELS[a]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('consolidation.lab.hostType')}</span>
            <select value={ht.id} onChange={(e) => { setConsolidation({ hostType: e.target.value, moves: [] }); setRefusal(null); }}>
              {HOST_TYPES.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('consolidation.lab.demandPacked')}</span>
            <select value={c.demand} onChange={(e) => { setConsolidation({ demand: e.target.value as (typeof DEMAND_BASES)[number], moves: [] }); setRefusal(null); }}>
              <option value="reserved">{t('consolidation.lab.vmSizeReserved')}</option>
              <option value="peak">{t('consolidation.lab.peakOfTheDay')}</option>
            </select>
          </label>
        </div>
      </div>
      <p className="cn-hostinfo">
        <b>{ht.name}</b>: {capacityText(ht)}. <span className="cn-src">{hostTypeSource(ht)}</span> <span className="cn-src">{t('consolidation.lab.algorithm', { value: ALGORITHM_SOURCES[c.algorithm] })}</span>
      </p>

      <section className="panel cn-compare" aria-labelledby="cn-compare-h">
        <h2 id="cn-compare-h">{t('consolidation.lab.beforeAndAfter')}</h2>
        <div className="cn-table-wrap">
          <table className="cn-table" data-testid="cn-compare">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">{t('consolidation.lab.serversRunning')}</th>
                <th scope="col">{t('consolidation.lab.lowerBound')}</th>
                <th scope="col">{t('consolidation.lab.meanCpu')}</th>
                <th scope="col">{t('consolidation.lab.meanMemory')}</th>
                <th scope="col">{t('consolidation.lab.meanNetwork')}</th>
                <th scope="col">{t('consolidation.lab.power')}</th>
                <th scope="col">{t('consolidation.lab.tcoY', { value: inputs.years.value })}</th>
              </tr>
            </thead>
            <tbody>
              {([['before', t('consolidation.lab.beforeOneServerPer'), beforeSum, sc.before.hosts, beforeTco], ['after', t('consolidation.lab.afterAlgorithm', { algorithm: ALGORITHM_LABELS[c.algorithm], byHand: c.moves.length ? t('consolidation.lab.byHand', { length: c.moves.length }) : '' }), afterSum, sc.hosts, afterTco]] as const).map(([k, label, s, , tco]) => (
                <tr key={k} data-row={k}>
                  <th scope="row">{label}</th>
                  <td className="num" data-testid={`cn-hosts-${k}`}>
                    <Fig f={hostsFigure(s, label)} label={t('consolidation.lab.serversRunning')} />
                  </td>
                  <td className="num">
                    <Fig f={lowerBoundFigure(s)} label={t('consolidation.lab.lowerBound')} />
                  </td>
                  {RESOURCES.map((r) => (
                    <td key={r} className="num">
                      <Fig f={{ text: `${(s.meanUtil[r] * 100).toFixed(0)} %`, formula: t('consolidation.lab.meanOverTheRunning', { r: RESOURCE_NAMES[r] }), source: t('consolidation.lab.vmSizesUsageModels') }} label={t('consolidation.lab.mean', { r: RESOURCE_NAMES[r] })} />
                    </td>
                  ))}
                  <td className="num">
                    <Fig f={powerFigure(s, ht)} label={t('consolidation.lab.power')} />
                  </td>
                  <td className="num">
                    <Fig f={{ text: `${Math.round(tco.totalUsd).toLocaleString('en-US')} USD`, formula: tco.formula, source: t('consolidation.lab.everyPriceTariffAnd') }} label={t('consolidation.lab.tco')} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="cn-verdict" data-testid="cn-verdict">
          {afterSum.hostsUsed < beforeSum.hostsUsed
            ? t('consolidation.lab.serversBecomeHostsLower', { hostsUsed: beforeSum.hostsUsed, hostsUsed2: afterSum.hostsUsed, value: afterSum.lowerBound.value, totalWatts: beforeSum.totalWatts.toFixed(0), totalWatts2: afterSum.totalWatts.toFixed(0) })
            : t('consolidation.lab.noSavingHostsFor', { hostsUsed: afterSum.hostsUsed, hostsUsed2: beforeSum.hostsUsed })}
          {after.unplaced.length > 0 && t('consolidation.lab.vmSFitOn', { length: after.unplaced.length, join: after.unplaced.map(vmName).join(', ') })}
        </p>
      </section>

      <div className="cn-racks-row">
        <section className="panel cn-before" aria-labelledby="cn-before-h">
          <h2 id="cn-before-h">{t('consolidation.lab.beforeServersOneApplication', { hostsUsed: beforeSum.hostsUsed })}</h2>
          <ul className="cn-mini-list" data-testid="cn-before-list">
            {beforeSum.loads.map((l) => {
              const vm = sc.roster.find((v) => `server-${v.id}` === l.hostId)!;
              return (
                <li key={l.hostId} className={`cn-mini role-${vm.workload}`}>
                  <span className="cn-role">{ROLE_LABELS[vm.workload]}</span>
                  <span className="cn-mini-bars">
                    <T k="consolidation.lab.miniBars" params={{ watts: l.watts.toFixed(0) }} parts={{ cpu: <Fig f={utilFigure(l.util.cpuMips, l.load.cpuMips, sc.before.hosts[0]!.capacity.cpuMips, 'MIPS', 'CPU')} label={t('consolidation.lab.cpu', { name: vm.name })} /> }} />
                  </span>
                </li>
              );
            })}
          </ul>
        </section>

        <section className="panel cn-after" aria-labelledby="cn-after-h">
          <h2 id="cn-after-h">{t('consolidation.lab.afterHostsAsRacks')}</h2>
          <div className="cn-move-bar" role="group" aria-label={t('consolidation.lab.moveAVm')}>
            <span>{selected === null ? t('consolidation.lab.noVmSelectedClick') : t('consolidation.lab.selectedOn', { vmName: vmName(selected), value: after.assignment[selected] ?? t('consolidation.lab.noHost') })}</span>
            <label className="field cn-move-target">
              <span>{t('consolidation.lab.moveToHost')}</span>
              <select value={target} onChange={(e) => setTarget(e.target.value)} disabled={selected === null}>
                <option value="">{t('consolidation.lab.chooseAHost')}</option>
                {drawn.map((h) => (
                  <option key={h} value={h}>
                    {h}
                    {afterSum.loads.find((l) => l.hostId === h)?.running ? '' : t('consolidation.lab.spareOff')}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn" disabled={selected === null || target === ''} onClick={() => selected !== null && target !== '' && move(selected, target)}>
              {t('consolidation.lab.move')}
            </button>
            {c.moves.length > 0 && (
              <button type="button" className="btn" onClick={() => { setConsolidation({ moves: [] }); setRefusal(null); setStatus(t('consolidation.lab.movesByHandUndone')); }}>{t('consolidation.lab.undoMovesByHand', { length: c.moves.length })}</button>
            )}
          </div>
          <p className="visually-hidden" role="status" aria-live="polite">
            {status}
          </p>
          <div className="cn-racks" data-testid="cn-racks">
            {drawn.map((hid) => (
              <Rack
                key={hid}
                sc={sc}
                sum={afterSum}
                hostId={hid}
                selected={selected}
                dragOver={dragOver === hid}
                refusal={refusal !== null && refusal.host === hid ? refusal : null}
                onSelect={(vm) => { setSelected(vm === selected ? null : vm); setRefusal(null); }}
                onDragOver={setDragOver}
                onDrop={(vm) => { setDragOver(null); move(vm, hid); }}
                onEvacuate={() => evacuate(hid)}
                vmName={vmName}
              />
            ))}
          </div>
          {evac !== null && <EvacuationReport e={evac} vmName={vmName} onClose={() => setEvac(null)} />}
        </section>
      </div>

      <TcoPanel before={beforeTco} after={afterTco} />
      <DynamicDayPanel />
    </div>
  );
}

function Rack(props: {
  sc: Scenario;
  sum: PlacementSummary;
  hostId: string;
  selected: string | null;
  dragOver: boolean;
  refusal: { vm: string; messages: string[] } | null;
  onSelect(vm: string): void;
  onDragOver(h: string | null): void;
  onDrop(vm: string): void;
  onEvacuate(): void;
  vmName(id: string): string;
}) {
  const { sc, sum, hostId } = props;
  const l = sum.loads.find((x) => x.hostId === hostId)!;
  const cap = sc.hosts.find((h) => h.id === hostId)!.capacity;
  return (
    <div
      className={`cn-rack${l.running ? '' : ' is-off'}${props.dragOver ? ' is-over' : ''}${props.refusal ? ' is-refused' : ''}`}
      data-host={hostId}
      data-testid={`rack-${hostId}`}
      onDragOver={(e) => {
        e.preventDefault();
        props.onDragOver(hostId);
      }}
      onDragLeave={() => props.onDragOver(null)}
      onDrop={(e) => {
        e.preventDefault();
        const vm = e.dataTransfer.getData('text/plain');
        if (vm !== '') props.onDrop(vm);
      }}
    >
      <div className="cn-rack-head">
        <b>{hostId}</b> <span>{l.running ? `${l.watts.toFixed(0)} W` : t('consolidation.lab.offSpare')}</span>
        {l.running && (
          <button type="button" className="btn cn-evac-btn" aria-label={t('consolidation.lab.evacuate', { hostId })} title={t('consolidation.lab.maintenanceLiveMigrateEvery')} onClick={props.onEvacuate}>
            {t('consolidation.lab.evacuate2')}
          </button>
        )}
      </div>
      <ul className="cn-tiles" aria-label={t('consolidation.lab.vmsOn', { hostId })}>
        {l.vmIds.map((id) => {
          const vm = sc.roster.find((v) => v.id === id)!;
          const sel = props.selected === id;
          return (
            <li key={id}>
              <button
                type="button"
                className={`cn-tile role-${vm.workload}${sel ? ' is-selected' : ''}`}
                draggable
                aria-pressed={sel}
                data-vm={id}
                title={t('consolidation.lab.guestMipsMiB', { name: vm.name, value: vm.os === 'linux' ? t('consolidation.lab.linux') : t('consolidation.lab.windows'), name2: vm.size.name, mips: vm.size.mips, memMiB: vm.size.memMiB })}
                onClick={() => props.onSelect(id)}
                onDragStart={(e) => {
                  e.dataTransfer.setData('text/plain', id);
                  e.dataTransfer.effectAllowed = 'move';
                }}
              >
                <span className="cn-role">{ROLE_LABELS[vm.workload]}</span>
                <span className="cn-tile-name">{vm.id}</span>
              </button>
            </li>
          );
        })}
        {l.vmIds.length === 0 && <li className="cn-empty">{t('consolidation.lab.noVMs')}</li>}
      </ul>
      <dl className="cn-bars">
        {RESOURCES.map((r) => (
          <div key={r} className="cn-bar-row">
            <dt>{RESOURCE_NAMES[r] === 'CPU' ? t('consolidation.lab.cpu2') : RESOURCE_NAMES[r][0]!.toUpperCase() + RESOURCE_NAMES[r].slice(1)}</dt>
            <dd>
              <span className="cn-bar" aria-hidden="true">
                <span className={`cn-bar-fill${l.util[r] > 1 ? ' is-over' : ''}`} style={{ width: `${Math.min(100, l.util[r] * 100)}%` }} />
              </span>
              <Fig f={utilFigure(l.util[r], l.load[r], cap[r], RESOURCE_UNITS[r], RESOURCE_NAMES[r])} label={`${hostId} ${RESOURCE_NAMES[r]}`} />
            </dd>
          </div>
        ))}
      </dl>
      {props.refusal && (
        <div className="cn-refusal" role="alert" data-testid="cn-refusal">
          <b>{t('consolidation.lab.refusedStaysWhereIt', { vmName: props.vmName(props.refusal.vm) })}</b>
          <ul>
            {props.refusal.messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The migrations of an "evacuate host", in order, with why each target was chosen and whether the host can go off. */
function EvacuationReport({ e, vmName, onClose }: { e: Evacuation; vmName(id: string): string; onClose(): void }) {
  return (
    <section className="cn-evac" aria-labelledby="cn-evac-h" data-testid="cn-evacuation">
      <h3 id="cn-evac-h">{t('consolidation.lab.evacuateMaintenanceMode', { hostId: e.hostId })}</h3>
      <p className={`cn-evac-verdict ${e.canShutDown ? 'tone-ok' : 'tone-bad'}`} data-testid="cn-evac-verdict">
        {e.canShutDown
          ? t('consolidation.lab.isEmptyAfterLive', { hostId: e.hostId, count: e.moves.length, totalSeconds: e.totalSeconds.toFixed(1) })
          : t('consolidation.lab.mustStayOnVM', { hostId: e.hostId, count: e.stuck.length })}
      </p>
      {e.moves.length > 0 && (
        <ol className="cn-evac-moves" aria-label={t('consolidation.lab.migrationsOff', { hostId: e.hostId })}>
          {e.moves.map((m) => (
            <li key={m.vmId}>
              <T k="consolidation.lab.moveLine" params={{ from: m.from, to: m.to, why: m.why }} parts={{ vm: <b>{vmName(m.vmId)}</b>, time: (
                <Fig
                  f={{ text: `${m.seconds.toFixed(1)} s`, formula: t('consolidation.lab.ramHostBandwidth2'), source: t('consolidation.lab.cloudSim303') }}
                  label={t('consolidation.lab.migrationTimeOf', { vmName: vmName(m.vmId) })}
                />
              ) }} />
            </li>
          ))}
        </ol>
      )}
      {e.stuck.length > 0 && (
        <ul className="cn-evac-stuck">
          {e.stuck.map((x) => (
            <li key={x.vmId}>{x.reason}</li>
          ))}
        </ul>
      )}
      <p className="cn-src">
        {t('consolidation.lab.targetsAsPabfdChooses')}
      </p>
      <button type="button" className="btn" onClick={onClose}>
        {t('consolidation.lab.closeTheEvacuationReport')}
      </button>
    </section>
  );
}
