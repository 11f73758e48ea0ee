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
import { figuresAt, fmt, parseIntField, parseRateField, runSentence, type SrField } from './sriov-view.ts';
import { hexAddr, hexByte } from './dma-view.ts';
import '../migration/migration.css';
import './dma.css';
import { TextField, bindField } from '../shell/TextField.tsx';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

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
  const [announce, setAnnounce] = useState('');
  const id = useId();

  const run = useCallback(async (s: Settings) => {
    setError(null);
    setAnnounce('');
    try {
      const r = await commands.sriov(s);
      if (!r.ok) {
        setErrors({ [r.field as SrField]: r.message });
        return;
      }
      setRes(r.result);
      setAnnounce(runSentence(r.result, s.vfs));
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
    const vfs = parseIntField(texts.vfs, 1, 64, t('io.sriov.virtualFunctions'));
    const off = parseIntField(texts.firstVfOffset, 1, 0xffff, t('io.sriov.firstVfOffset'));
    const stride = parseIntField(texts.vfStride, 1, 0xffff, t('io.sriov.vfStride'));
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
    return (
      <TextField
        id={fid}
        label={
          <>
            {label}
            {assumption && <span className="sr-assume">{t('io.sriov.assumption')}</span>}
          </>
        }
        hint={hint}
        inputMode={f === 'perVmGbit' ? 'decimal' : 'text'}
        onEnter={apply}
        {...bindField(f, texts, errors, setTexts, setErrors)}
      />
    );
  };

  return (
    <section className="sr-lab" aria-label={t('io.sriov.sharedDevice')} data-testid="sriov-panel">
      <p className="pl-lede">{t('io.sriov.deviceAssistedSharingOne')}</p>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="sr-announce">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label={t('io.sriov.srIovSetUp')} noValidate onSubmit={(e) => e.preventDefault()}>
          <h2>{t('io.sriov.setUp')}</h2>
          {field('vfs', t('io.sriov.virtualFunctionsOneVm'), t('io.sriov.n164ThePaper'), false)}
          {field('perVmGbit', t('io.sriov.offeredLoadPerVm'), t('io.sriov.notInThePaper'), true)}
          {field('firstVfOffset', t('io.sriov.firstVfOffset'), t('io.sriov.deviceSpecificSrIov'), true)}
          {field('vfStride', t('io.sriov.vfStride'), t('io.sriov.deviceSpecificLabDefault'), true)}
          <button type="button" className="btn primary" disabled={health !== 'ready'} onClick={apply}>{t('io.sriov.apply')}</button>
          <p className="pl-hint">{t('io.sriov.sourcedLineRate9')}</p>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert"><T k='io.sriov.theSharedDeviceCould' parts={{ error: error }} />
            </p>
          )}
          {res === null ? <p className="pl-empty">{t('io.sriov.settingUpTheCard')}</p> : <SrResults r={res} s={settings} />}
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
        <h2 id="sr-fig-h"><T k='io.sriov.atVms' parts={{ vfs: s.vfs }} /></h2>
        <dl className="pl-figures">
          <div>
            <dt>{t('io.sriov.physicalDevices')}</dt>
            <dd data-testid="sr-physical">1</dd>
          </div>
          <div>
            <dt>{t('io.sriov.virtualDevicesVfs')}</dt>
            <dd data-testid="sr-virtual">{r.vfs.length}</dd>
          </div>
          <div>
            <dt>{t('io.sriov.aggregateThroughput')}</dt>
            <dd data-testid="sr-throughput">
              {fmt(f.aggregateGbit)} <small><T k='io.sriov.unitGbitLineRate' parts={{ saturated: f.saturated ? ' ' + t('io.sriov.lineRate') : '' }} /></small>
            </dd>
          </div>
          <div>
            <dt>{t('io.sriov.perVm')}</dt>
            <dd>
              {fmt(f.perVmGbit)} <small>{t('io.sriov.unitGbit')}</small>
            </dd>
          </div>
          <div>
            <dt>{t('io.sriov.extraCpuVsOne')}</dt>
            <dd data-testid="sr-cpu">
              {fmt(f.extraCpuPercent, 1)} <small>%</small>
            </dd>
          </div>
        </dl>
        {f.extrapolated && <p className="pl-note">{t('io.sriov.beyond60VmsIs')}</p>}
        <ScalingChart r={r} at={s.vfs} />
      </section>
      <section className="panel" aria-labelledby="sr-dev-h">
        <h2 id="sr-dev-h">{t('io.sriov.oneCardVirtualFunctions', { count: r.vfs.length })}</h2>
        <div className="sr-device">
          <div className="sr-pf">
            <T k='io.sriov.ownedByTheHost' parts={{ strong: <strong><T k='io.sriov.physicalFunction' parts={{ pf: r.pf }} /></strong>, br: <br /> }} /></div>
          <ul className="sr-vfs" aria-label={t('io.sriov.virtualFunctions')} data-testid="sr-vfs">
            {r.vfs.map((vf, k) => {
              const iso = r.isolation[k];
              return (
                <li key={vf.k} className="sr-vf">
                  <strong><T k='io.sriov.vfTitle' parts={{ k: vf.k, bdf: vf.bdf }} />
                  </strong>
                  <span><T k='io.sriov.requesterIdVmDomain' parts={{ sourceId: hexByte(vf.sourceId, 4), vm: vf.vm, domain: vf.domain }} />
                  </span>
                  <span className="sr-ok"><T k='io.sriov.dmaIntoVmHost' parts={{ vm: vf.vm, ownHpa: iso.ownHpa === null ? '—' : hexAddr(iso.ownHpa) }} /></span>
                  {r.vfs.length > 1 && (
                    <span className="sr-bad"><T k='io.sriov.dmaIntoVmS' parts={{ vm: (vf.vm % r.vfs.length) + 1, neighbourReason: iso.neighbourReason !== null ? ' ' + t('io.sriov.faultSuffix', { reason: hexByte(iso.neighbourReason) }) : '' }} />
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
        <p className="pl-note">{t('io.sriov.vfRequesterIdPf')}</p>
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
      <svg className="sr-chart" width={width} height={height} role="img" aria-label={t('io.sriov.aggregateThroughputRisesTo', { at, aggregateGbit: fmt(f.aggregateGbit), extraCpuPercent: fmt(f.extraCpuPercent, 1) })} data-testid="sr-chart">
        {g.n > r.maxVmsMeasured && <rect className="extra" x={g.x(r.maxVmsMeasured)} y={M.top} width={g.x(g.n) - g.x(r.maxVmsMeasured)} height={height - M.top - M.bottom} />}
        <line className="rate" x1={M.left} x2={width - M.right} y1={g.y(r.lineRateGbit)} y2={g.y(r.lineRateGbit)} />
        <text x={g.x(1 + (g.n - 1) * 0.4)} y={g.y(r.lineRateGbit) + 16} textAnchor="middle">{t('io.sriov.lineRate948')}</text>
        <path className="thr" d={g.thr} />
        <path className="cpu" d={g.cpu} />
        <line className="now" x1={g.x(Math.min(at, g.n))} x2={g.x(Math.min(at, g.n))} y1={M.top} y2={height - M.bottom} />
        <text x={g.x(Math.min(at, g.n)) + 4} y={M.top + 12}>
          <T k='io.sriov.chartVms' parts={{ at: at }} /></text>
        <g ref={gx} className="axis" transform={`translate(0,${height - M.bottom})`} aria-hidden="true" />
        <g ref={gy} className="axis" transform={`translate(${M.left},0)`} aria-hidden="true" />
        <g ref={gy2} className="axis" transform={`translate(${width - M.right},0)`} aria-hidden="true" />
        <text x={(M.left + width - M.right) / 2} y={height - 6} textAnchor="middle">{t('io.sriov.vmsSharingTheCard')}</text>
        <text transform={`translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">{t('io.sriov.unitGbit')}</text>
        <text transform={`translate(${width - 10},${(M.top + height - M.bottom) / 2}) rotate(90)`} textAnchor="middle">{t('io.sriov.extraCpu')}</text>
      </svg>
      <p className="sr-legend">
        <span>
          <span className="sr-sw thr" aria-hidden="true" />{' '}{t('io.sriov.aggregateThroughputMinVms')}</span>
        <span>
          <span className="sr-sw cpu" aria-hidden="true" />{' '}{t('io.sriov.extraCpu176')}</span>
        {g.n > r.maxVmsMeasured && <span>{t('io.sriov.shadedBeyondThe60')}</span>}
      </p>
    </div>
  );
}
