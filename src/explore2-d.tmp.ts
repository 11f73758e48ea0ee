import { runLab } from './core/lab/run.ts';
import { EventKind } from './core/trace/events.ts';
import { loadScenarioSource, withMode } from './core/scenarios/index.ts';
import { runOnSoftwareVmm } from './core/techniques/deprivileged/index.ts';
import { runOnBinaryTranslator } from './core/techniques/binary-translation/index.ts';
class C { out=''; emit(){} text(k:number,_c:number,_s:number,t:string){ if(k===EventKind.CONSOLE) this.out+=t; } }
for (const wl of ['cpu-bound','syscall-heavy','pagefault-heavy','io-heavy','kernel','sensitive']) {
 for (const cpu of ['nehalem']) {
  const src = loadScenarioSource(wl)!;
  const n = new C(); const rn = runLab(withMode(src,'bare'), { cpu, trace: n }) as any;
  const g = new C(); const rg = runLab(src, { cpu, trace: g }) as any;
  const g2 = new C(); const rg2 = runLab(src, { cpu, trace: g2, vmm: {ept:false} }) as any;
  const s = runOnSoftwareVmm(src, { cpu }) as any;
  const b = runOnBinaryTranslator(src, { cpu }) as any;
  console.log('===', wl, cpu); if (wl!=='sensitive') console.log(n.out);
  const diff = (a: any, bb: any) => Object.keys(a).filter(k => a[k] !== bb[k]).map(k => `${k}:${a[k]}/${bb[k]}`).join(' ');
  console.log('native regs', JSON.stringify(rn.end.registers));
  console.log('vtx', diff(rn.end.registers, rg.end.registers), 'guestC', rg.end.guestCycles, 'vmmC', rg.end.vmmCycles, 'total', rg.end.cycle);
  console.log('vtx-noept', diff(rn.end.registers, rg2.end.registers), 'guestC', rg2.end.guestCycles, 'vmmC', rg2.end.vmmCycles, 'total', rg2.end.cycle);
  console.log('sw', diff(rn.end.registers, s.end.registers), s.end.guestCycles, s.end.vmmCycles, s.end.idleCycles);
  console.log('bt', diff(rn.end.registers, b.end.registers), b.end.guestCycles, b.end.vmmCycles, b.end.idleCycles);
 }
}
