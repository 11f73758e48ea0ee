/**
 * Device-assisted sharing (issue 7 item 7; white paper §3.3.5): one SR-IOV network card, its physical function and
 * N virtual functions, each with its own requester id, context entry and domain, each assigned to a different VM
 * (src/core/vtd/sriov.ts through the worker's `sriov`). Throughput and CPU scaling use Dong et al., HPCA 2010
 * (9.48 Gbit/s line rate, 1.76 % extra CPU per VM, measured to 60 VMs); the rest are labelled assumptions.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { SriovResult } from '../../worker/vtd.ts';
import { figuresAt, fmt, parseIntField, parseRateField, type SrField } from './sriov-view.ts';
import { hexAddr, hexByte } from './dma-view.ts';
import '../migration/migration.css';
import './dma.css';
import { TextField, withoutKey } from '../shell/TextField.tsx';

interface Settings {
  vfs: number;
  firstVfOffset: number;
  vfStride: number;
  perVmGbit: number;
}

const DEFAULTS: Settings = { vfs: 8, firstVfOffset: 0x80, vfStride: 2, perVmGbit: 1 };

export function SriovPanel() {
  const health = useApp((s) => s.health);
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  const [texts, setTexts] = useState<Record<SrField, string>>({ vfs: '8', firstVfOffset: '0x80', vfStride: '2', perVmGbit: '1' });
  const [errors, setErrors] = useState<Partial<Record<SrField, string>>>({});
  const [res, setRes] = useState<SriovResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const run = useCallback(async (s: Settings) => {
    setError(null);
    try {
      const r = await commands.sriov(s);
      if (!r.ok) {
        setErrors({ [r.field as SrField]: r.message });
        return;
      }
      setRes(r.result);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, []);

  useEffect(() => {
    if (health === 'ready') void run(settings);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health]);

  const apply = () => {
    const e: Partial<Record<SrField, string>> = {};
    const vfs = parseIntField(texts.vfs, 1, 64, 'Virtual functions');
    const off = parseIntField(texts.firstVfOffset, 1, 0xffff, 'First VF Offset');
    const stride = parseIntField(texts.vfStride, 1, 0xffff, 'VF Stride');
    const load = parseRateField(texts.perVmGbit);
    if (!vfs.ok) e.vfs = vfs.message;
    if (!off.ok) e.firstVfOffset = off.message;
    if (!stride.ok) e.vfStride = stride.message;
    if (!load.ok) e.perVmGbit = load.message;
    setErrors(e);
    if (!vfs.ok || !off.ok || !stride.ok || !load.ok) return;
    const next = { vfs: vfs.value, firstVfOffset: off.value, vfStride: stride.value, perVmGbit: load.value };
    setSettings(next);
    void run(next);
  };

  const field = (f: SrField, label: string, hint: string, assumption: boolean) => {
    const fid = `${id}-${f}`;
    const err = errors[f];
    return (
      <TextField
        id={fid}
        label={
          <>
            {label}
            {assumption && <span className="sr-assume">assumption</span>}
          </>
        }
        hint={hint}
        value={texts[f]}
        error={err}
        inputMode={f === 'perVmGbit' ? 'decimal' : 'text'}
        onEnter={apply}
        onChange={(v) => {
          setTexts((t) => ({ ...t, [f]: v }));
          setErrors((x) => withoutKey(x, f));
        }}
      />
    );
  };

  return (
    <section className="sr-lab" aria-label="Shared device" data-testid="sriov-panel">
      <p className="pl-lede">
        Device-assisted sharing: one SR-IOV network card exposes a physical function and many virtual functions. Each virtual function is a PCIe function with its own
        requester id, so VT-d gives it its own context entry and domain, and it can be assigned to its own VM: more virtual devices than physical ones, no VMM on the data
        path, and each VM still confined to its own memory.
      </p>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label="SR-IOV set-up" noValidate onSubmit={(e) => e.preventDefault()}>
          <h2>Set-up</h2>
          {field('vfs', 'Virtual functions (one VM each)', '1 … 64; the paper measured up to 60 VMs', false)}
          {field('perVmGbit', 'Offered load per VM, Gbit/s', 'not in the paper’s abstract; lab default 1', true)}
          {field('firstVfOffset', 'First VF Offset', 'device-specific (SR-IOV capability); lab default 0x80', true)}
          {field('vfStride', 'VF Stride', 'device-specific; lab default 2', true)}
          <button type="button" className="btn primary" disabled={health !== 'ready'} onClick={apply}>
            Apply
          </button>
          <p className="pl-hint">
            Sourced: line rate 9.48 Gbit/s, +1.76 % CPU per VM, up to 60 VMs (Dong et al., “High performance network virtualization with SR-IOV”, HPCA 2010).
          </p>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              The shared device could not be set up: {error}
            </p>
          )}
          {res === null ? <p className="pl-empty">Setting up the card…</p> : <SrResults r={res} s={settings} />}
        </div>
      </div>
    </section>
  );
}

function SrResults({ r, s }: { r: SriovResult; s: Settings }) {
  const f = figuresAt(r, s.vfs);
  return (
    <>
      <section className="panel" aria-labelledby="sr-fig-h">
        <h2 id="sr-fig-h">At {s.vfs} VMs</h2>
        <dl className="pl-figures">
          <div>
            <dt>Physical devices</dt>
            <dd data-testid="sr-physical">1</dd>
          </div>
          <div>
            <dt>Virtual devices (VFs)</dt>
            <dd data-testid="sr-virtual">{r.vfs.length}</dd>
          </div>
          <div>
            <dt>Aggregate throughput</dt>
            <dd data-testid="sr-throughput">
              {fmt(f.aggregateGbit)} <small>Gbit/s{f.saturated ? ' (line rate)' : ''}</small>
            </dd>
          </div>
          <div>
            <dt>Per VM</dt>
            <dd>
              {fmt(f.perVmGbit)} <small>Gbit/s</small>
            </dd>
          </div>
          <div>
            <dt>Extra CPU vs one VM</dt>
            <dd data-testid="sr-cpu">
              {fmt(f.extraCpuPercent, 1)} <small>%</small>
            </dd>
          </div>
        </dl>
        {f.extrapolated && <p className="pl-note">Beyond 60 VMs is outside what the paper measured: an extrapolation.</p>}
        <ScalingChart r={r} at={s.vfs} />
      </section>
      <section className="panel" aria-labelledby="sr-dev-h">
        <h2 id="sr-dev-h">One card, {r.vfs.length} virtual functions, each in its own domain</h2>
        <div className="sr-device">
          <div className="sr-pf">
            <strong>Physical function {r.pf}</strong>
            <br />
            owned by the host (VMM): configures the card and creates the VFs
          </div>
          <ul className="sr-vfs" aria-label="Virtual functions" data-testid="sr-vfs">
            {r.vfs.map((vf, k) => {
              const iso = r.isolation[k];
              return (
                <li key={vf.k} className="sr-vf">
                  <strong>
                    VF {vf.k} · {vf.bdf}
                  </strong>
                  <span>
                    requester id {hexByte(vf.sourceId, 4)} → VM{vf.vm}, domain {vf.domain}
                  </span>
                  <span className="sr-ok">✓ DMA into VM{vf.vm}: host {iso.ownHpa === null ? '—' : hexAddr(iso.ownHpa)}</span>
                  {r.vfs.length > 1 && (
                    <span className="sr-bad">
                      ✕ DMA into VM{(vf.vm % r.vfs.length) + 1}’s memory: blocked{iso.neighbourReason !== null ? ` (fault ${hexByte(iso.neighbourReason)})` : ''}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
        <p className="pl-note">
          VF requester id = PF routing id + First VF Offset + k × VF Stride (PCIe SR-IOV 3.3.10–11; Linux pci_iov_virtfn_bus/devfn). Each VM gives its VF 4 MiB of
          guest memory (lab choice).
        </p>
      </section>
    </>
  );
}

const M = { left: 56, right: 60, top: 16, bottom: 42 };

function ScalingChart({ r, at }: { r: SriovResult; at: number }) {
  const wrap = useRef<HTMLDivElement>(null);
  const gx = useRef<SVGGElement>(null);
  const gy = useRef<SVGGElement>(null);
  const gy2 = useRef<SVGGElement>(null);
  const [width, setWidth] = useState(640);
  const height = 260;
  useLayoutEffect(() => {
    const el = wrap.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(360, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const g = useMemo(() => {
    const n = r.scaling.length;
    const x = d3.scaleLinear().domain([1, n]).range([M.left, width - M.right]);
    const y = d3.scaleLinear().domain([0, Math.ceil(r.lineRateGbit + 0.6)]).range([height - M.bottom, M.top]);
    const cpuMax = Math.max(10, r.cpuPerVmPercent * (n - 1));
    const y2 = d3.scaleLinear().domain([0, cpuMax]).range([height - M.bottom, M.top]).nice();
    const thr = d3.line<(typeof r.scaling)[number]>().x((p) => x(p.vms)).y((p) => y(p.aggregateGbit))(r.scaling) ?? '';
    const cpu = d3.line<(typeof r.scaling)[number]>().x((p) => x(p.vms)).y((p) => y2(p.extraCpuPercent))(r.scaling) ?? '';
    return { x, y, y2, thr, cpu, n };
  }, [r, width]);
  useEffect(() => {
    if (gx.current !== null) d3.select(gx.current).call(d3.axisBottom(g.x).ticks(Math.min(12, g.n)).tickFormat((v) => String(v)));
    if (gy.current !== null) d3.select(gy.current).call(d3.axisLeft(g.y).ticks(6));
    if (gy2.current !== null) d3.select(gy2.current).call(d3.axisRight(g.y2).ticks(6));
  }, [g]);
  const f = figuresAt(r, at);
  return (
    <div className="pl-chart" ref={wrap}>
      <svg className="sr-chart" width={width} height={height} role="img" aria-label={`Aggregate throughput rises to the 9.48 Gbit/s line rate and stays there; extra CPU grows by 1.76 % per VM. At ${at} VMs: ${fmt(f.aggregateGbit)} Gbit/s, ${fmt(f.extraCpuPercent, 1)} % extra CPU.`} data-testid="sr-chart">
        {g.n > r.maxVmsMeasured && <rect className="extra" x={g.x(r.maxVmsMeasured)} y={M.top} width={g.x(g.n) - g.x(r.maxVmsMeasured)} height={height - M.top - M.bottom} />}
        <line className="rate" x1={M.left} x2={width - M.right} y1={g.y(r.lineRateGbit)} y2={g.y(r.lineRateGbit)} />
        <text x={g.x(1 + (g.n - 1) * 0.4)} y={g.y(r.lineRateGbit) + 16} textAnchor="middle">
          line rate 9.48 Gbit/s
        </text>
        <path className="thr" d={g.thr} />
        <path className="cpu" d={g.cpu} />
        <line className="now" x1={g.x(Math.min(at, g.n))} x2={g.x(Math.min(at, g.n))} y1={M.top} y2={height - M.bottom} />
        <text x={g.x(Math.min(at, g.n)) + 4} y={M.top + 12}>
          {at} VMs
        </text>
        <g ref={gx} className="axis" transform={`translate(0,${height - M.bottom})`} aria-hidden="true" />
        <g ref={gy} className="axis" transform={`translate(${M.left},0)`} aria-hidden="true" />
        <g ref={gy2} className="axis" transform={`translate(${width - M.right},0)`} aria-hidden="true" />
        <text x={(M.left + width - M.right) / 2} y={height - 6} textAnchor="middle">
          VMs sharing the card (one VF each)
        </text>
        <text transform={`translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
          Gbit/s
        </text>
        <text transform={`translate(${width - 10},${(M.top + height - M.bottom) / 2}) rotate(90)`} textAnchor="middle">
          extra CPU %
        </text>
      </svg>
      <p className="sr-legend">
        <span>
          <span className="sr-sw thr" aria-hidden="true" /> aggregate throughput: min(VMs × offered load, line rate)
        </span>
        <span>
          <span className="sr-sw cpu" aria-hidden="true" /> extra CPU: 1.76 % per added VM (Dong et al. 2010), right axis
        </span>
        {g.n > r.maxVmsMeasured && <span>shaded: beyond the 60 VMs measured</span>}
      </p>
    </div>
  );
}
