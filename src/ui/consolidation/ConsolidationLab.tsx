/**
 * The Consolidation lab (issue 6 items 2, 3, 6): the seed roster one server per application ("before") against
 * packed on hosts ("after") by FFD, BFD, PABFD or a Kubernetes score; hosts as racks with VMs as tiles labelled by
 * role; utilisation per resource, hosts against the lower bound, power and the TCO with editable assumptions; VMs
 * moved by hand (pointer drag, or select a VM and "Move to host") checked by checkMove; and a PlanetLab day of
 * dynamic consolidation replayed in the worker. Every number opens to its formula and source.
 */
import { useMemo, useState } from 'react';
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
      setStatus(`Refused: ${vmName(vm)} cannot move to ${host}. ${r.messages.join(' ')}`);
      return;
    }
    setRefusal(null);
    setConsolidation({ moves: r.moves });
    setStatus(`Moved ${vmName(vm)} to ${host}.`);
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
      `Evacuating ${host}: ${e.moves.length} migration${e.moves.length === 1 ? '' : 's'}. ` +
        (e.canShutDown ? `${host} is empty and can be shut down for maintenance.` : `${e.stuck.length} VM(s) cannot leave: ${host} stays on.`),
    );
  };

  const drawn = hostsToDraw(afterSum);
  const ht = sc.hostType;

  return (
    <div className="consolidation">
      <div className="cn-head">
        <div>
          <h1>Consolidation</h1>
          <p className="cn-lede">
            The white paper's converged platform (§2, §3.3.2): eleven single-purpose servers become VMs on a few hosts. Pick how they are packed and on what
            hardware; move a VM by hand; then watch a day of dynamic consolidation on 800 PlanetLab hosts. Click any number for its formula and source.
          </p>
        </div>
        <div className="cn-controls">
          <label className="field">
            <span>Placement algorithm</span>
            <select value={c.algorithm} onChange={(e) => { setConsolidation({ algorithm: e.target.value as PlacementAlgorithm, moves: [] }); setRefusal(null); }}>
              {PLACEMENT_ALGORITHMS.map((a) => (
                <option key={a} value={a}>
                  {ALGORITHM_LABELS[a]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Host type</span>
            <select value={ht.id} onChange={(e) => { setConsolidation({ hostType: e.target.value, moves: [] }); setRefusal(null); }}>
              {HOST_TYPES.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Demand packed</span>
            <select value={c.demand} onChange={(e) => { setConsolidation({ demand: e.target.value as (typeof DEMAND_BASES)[number], moves: [] }); setRefusal(null); }}>
              <option value="reserved">VM size (reserved)</option>
              <option value="peak">Peak of the day's demand</option>
            </select>
          </label>
        </div>
      </div>
      <p className="cn-hostinfo">
        <b>{ht.name}</b>: {capacityText(ht)}. <span className="cn-src">{hostTypeSource(ht)}</span> <span className="cn-src">Algorithm: {ALGORITHM_SOURCES[c.algorithm]}.</span>
      </p>

      <section className="panel cn-compare" aria-labelledby="cn-compare-h">
        <h2 id="cn-compare-h">Before and after</h2>
        <div className="cn-table-wrap">
          <table className="cn-table" data-testid="cn-compare">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">Servers running</th>
                <th scope="col">Lower bound</th>
                <th scope="col">Mean CPU</th>
                <th scope="col">Mean memory</th>
                <th scope="col">Mean network</th>
                <th scope="col">Power</th>
                <th scope="col">TCO ({inputs.years.value} y)</th>
              </tr>
            </thead>
            <tbody>
              {([['before', 'Before: one server per application', beforeSum, sc.before.hosts, beforeTco], ['after', `After: ${ALGORITHM_LABELS[c.algorithm]}${c.moves.length ? ` + ${c.moves.length} by hand` : ''}`, afterSum, sc.hosts, afterTco]] as const).map(([k, label, s, , t]) => (
                <tr key={k} data-row={k}>
                  <th scope="row">{label}</th>
                  <td className="num" data-testid={`cn-hosts-${k}`}>
                    <Fig f={hostsFigure(s, label)} label="Servers running" />
                  </td>
                  <td className="num">
                    <Fig f={lowerBoundFigure(s)} label="Lower bound" />
                  </td>
                  {RESOURCES.map((r) => (
                    <td key={r} className="num">
                      <Fig f={{ text: `${(s.meanUtil[r] * 100).toFixed(0)} %`, formula: `mean over the running servers of ${RESOURCE_NAMES[r]} demand / capacity`, source: 'VM sizes usage-models.md §A2; host capacities as the host type above' }} label={`Mean ${RESOURCE_NAMES[r]}`} />
                    </td>
                  ))}
                  <td className="num">
                    <Fig f={powerFigure(s, ht)} label="Power" />
                  </td>
                  <td className="num">
                    <Fig f={{ text: `${Math.round(t.totalUsd).toLocaleString('en-US')} USD`, formula: t.formula, source: 'every price, tariff and PUE is a model assumption (editable below); watts from the SPECpower curve' }} label="TCO" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="cn-verdict" data-testid="cn-verdict">
          {afterSum.hostsUsed < beforeSum.hostsUsed
            ? `${beforeSum.hostsUsed} servers become ${afterSum.hostsUsed} hosts (lower bound ${afterSum.lowerBound.value}); power ${beforeSum.totalWatts.toFixed(0)} W → ${afterSum.totalWatts.toFixed(0)} W.`
            : `No saving: ${afterSum.hostsUsed} hosts for ${beforeSum.hostsUsed} servers.`}
          {after.unplaced.length > 0 && ` ${after.unplaced.length} VM(s) fit on no host: ${after.unplaced.map(vmName).join(', ')}.`}
        </p>
      </section>

      <div className="cn-racks-row">
        <section className="panel cn-before" aria-labelledby="cn-before-h">
          <h2 id="cn-before-h">Before: {beforeSum.hostsUsed} servers, one application each</h2>
          <ul className="cn-mini-list" data-testid="cn-before-list">
            {beforeSum.loads.map((l) => {
              const vm = sc.roster.find((v) => `server-${v.id}` === l.hostId)!;
              return (
                <li key={l.hostId} className={`cn-mini role-${vm.workload}`}>
                  <span className="cn-role">{ROLE_LABELS[vm.workload]}</span>
                  <span className="cn-mini-bars">
                    CPU <Fig f={utilFigure(l.util.cpuMips, l.load.cpuMips, sc.before.hosts[0]!.capacity.cpuMips, 'MIPS', 'CPU')} label={`${vm.name} CPU`} /> · {l.watts.toFixed(0)} W
                  </span>
                </li>
              );
            })}
          </ul>
        </section>

        <section className="panel cn-after" aria-labelledby="cn-after-h">
          <h2 id="cn-after-h">After: hosts as racks (drag a VM onto a host, or select it and use "Move to host")</h2>
          <div className="cn-move-bar" role="group" aria-label="Move a VM">
            <span>{selected === null ? 'No VM selected: click or press Enter on a VM tile.' : `Selected: ${vmName(selected)} (on ${after.assignment[selected] ?? 'no host'})`}</span>
            <label className="field cn-move-target">
              <span>Move to host</span>
              <select value={target} onChange={(e) => setTarget(e.target.value)} disabled={selected === null}>
                <option value="">Choose a host…</option>
                {drawn.map((h) => (
                  <option key={h} value={h}>
                    {h}
                    {afterSum.loads.find((l) => l.hostId === h)?.running ? '' : ' (spare, off)'}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={selected === null || target === ''} onClick={() => selected !== null && target !== '' && move(selected, target)}>
              Move
            </button>
            {c.moves.length > 0 && (
              <button type="button" onClick={() => { setConsolidation({ moves: [] }); setRefusal(null); setStatus('Moves by hand undone.'); }}>
                Undo moves by hand ({c.moves.length})
              </button>
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
        <b>{hostId}</b> <span>{l.running ? `${l.watts.toFixed(0)} W` : 'off (spare)'}</span>
        {l.running && (
          <button type="button" className="cn-evac-btn" aria-label={`Evacuate ${hostId}`} title="Maintenance: live-migrate every VM to other hosts, then shut this one down" onClick={props.onEvacuate}>
            Evacuate
          </button>
        )}
      </div>
      <ul className="cn-tiles" aria-label={`VMs on ${hostId}`}>
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
                title={`${vm.name} — ${vm.os === 'linux' ? 'Linux' : 'Windows'} guest, ${vm.size.name} (${vm.size.mips} MIPS, ${vm.size.memMiB} MiB)`}
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
        {l.vmIds.length === 0 && <li className="cn-empty">no VMs</li>}
      </ul>
      <dl className="cn-bars">
        {RESOURCES.map((r) => (
          <div key={r} className="cn-bar-row">
            <dt>{RESOURCE_NAMES[r] === 'CPU' ? 'CPU' : RESOURCE_NAMES[r][0]!.toUpperCase() + RESOURCE_NAMES[r].slice(1)}</dt>
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
          <b>Refused: {props.vmName(props.refusal.vm)} stays where it is.</b>
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
      <h3 id="cn-evac-h">Evacuate {e.hostId} (maintenance mode)</h3>
      <p className={`cn-evac-verdict ${e.canShutDown ? 'tone-ok' : 'tone-bad'}`} data-testid="cn-evac-verdict">
        {e.canShutDown
          ? `✓ ${e.hostId} is empty after ${e.moves.length} live migration${e.moves.length === 1 ? '' : 's'} (${e.totalSeconds.toFixed(1)} s one after another): it can be shut down for maintenance.`
          : `✗ ${e.hostId} must stay on: ${e.stuck.length} VM${e.stuck.length === 1 ? '' : 's'} cannot leave.`}
      </p>
      {e.moves.length > 0 && (
        <ol className="cn-evac-moves" aria-label={`Migrations off ${e.hostId}`}>
          {e.moves.map((m) => (
            <li key={m.vmId}>
              <b>{vmName(m.vmId)}</b> {m.from} → {m.to}: {m.why}; about{' '}
              <Fig
                f={{ text: `${m.seconds.toFixed(1)} s`, formula: 'RAM / (host bandwidth / 2): half the link reserved for migration', source: 'CloudSim 3.0.3 migration delay, usage-models.md §A4 (“around 16 seconds for 1024 MB using 1 Gbit/s”); page-by-page rounds in the Migration lab' }}
                label={`Migration time of ${vmName(m.vmId)}`}
              />
              .
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
        Targets as PABFD chooses them (usage-models.md §A2): the least power increase, running hosts before a host that is off; capacity and replica anti-affinity
        are checked as for a move by hand. Each VM moves live, so its clients stay connected (see the Migration lab).
      </p>
      <button type="button" onClick={onClose}>
        Close the evacuation report
      </button>
    </section>
  );
}
