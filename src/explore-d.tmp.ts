import { runLab } from '/work/main/src/core/lab/run.ts';
import { NullSink } from '/work/main/src/core/trace/sink.ts';
import { EventKind } from '/work/main/src/core/trace/events.ts';
import { loadScenarioSource, withMode } from '/work/main/src/core/scenarios/index.ts';
import { runOnSoftwareVmm } from '/work/main/src/core/techniques/deprivileged/index.ts';
import { runOnBinaryTranslator } from '/work/main/src/core/techniques/binary-translation/index.ts';
import { runOnParavirtVmm } from '/work/main/src/core/techniques/paravirt/index.ts';
class C { out=''; emit(){} text(k:number,_c:number,_s:number,t:string){ if(k===EventKind.CONSOLE) this.out+=t; } }
const wl = process.argv[2] ?? 'sensitive';
const cpu = process.argv[3] ?? 'nehalem';
const src = loadScenarioSource(wl)!;
function t<T>(name: string, f: () => T): T { const a = performance.now(); const r = f(); console.log(name, (performance.now()-a).toFixed(0)+'ms'); return r; }
const n = new C(); const rn = t('native', () => runLab(withMode(src,'bare'), { cpu, trace: n }));
console.log((rn as any).end.reason, (rn as any).end.cycle); console.log(n.out);
const g = new C(); const rg = t('vtx', () => runLab(src, { cpu, trace: g }));
console.log((rg as any).end.reason, (rg as any).end.cycle, JSON.stringify((rg as any).end.exitsByReason)); console.log(g.out === n.out ? 'SAME' : g.out);
const g2 = new C(); const rg2 = t('vtx-noept', () => runLab(src, { cpu, trace: g2, vmm: { ept: false } }));
console.log((rg2 as any).end.reason, (rg2 as any).end.cycle, JSON.stringify((rg2 as any).end.exitsByReason)); console.log(g2.out === n.out ? 'SAME' : g2.out);
const s = t('swvmm', () => runOnSoftwareVmm(src, { cpu })) as any;
console.log(s.end.reason, s.end.cycle, s.end.traps, JSON.stringify(s.end.trapsByCause)); console.log(s.vmm.consoleText === n.out ? 'SAME' : s.vmm.consoleText);
const b = t('bt', () => runOnBinaryTranslator(src, { cpu })) as any;
console.log(b.end.reason, b.end.cycle, JSON.stringify(b.end.bt)); console.log(b.vmm.consoleText === n.out ? 'SAME' : b.vmm.consoleText);
const p = t('pv', () => runOnParavirtVmm(src, { cpu })) as any;
console.log(p.end.reason, p.end.cycle, p.end.message, JSON.stringify(p.end.hypercallsByName)); console.log(p.vmm.consoleText);
