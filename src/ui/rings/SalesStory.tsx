/**
 * Sales detail: the story in plain words beside the diagram — what the processor is doing, how much of
 * the time the VMM costs, and the top reasons the guest hands control to the VMM. No registers.
 */
import { useApp } from '../../state/store.ts';
import { formatCount } from '../viz/format-event.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

/** What the most frequent exit says about what the guest is doing, in a customer's words. */
const STORY: Record<number, MessageKey> = {
  30: 'rings.sales.story30',
  48: 'rings.sales.story48',
  12: 'rings.sales.story12',
  28: 'rings.sales.story28',
  0: 'rings.sales.story0',
  10: 'rings.sales.story10',
  1: 'rings.sales.story1',
  52: 'rings.sales.story52',
};

/**
 * The software VMM in a customer's words: ring deprivileging and trap-and-emulate (white paper §3.1, Figure 2),
 * the trap's cost (costs.ts: Adams & Agesen 2006's Pentium 4 round trip, an assumption for these CPUs) and the
 * instructions that never trap (Robin & Irvine 2000; instructions.ts).
 */
function SoftwareVmmStory({ view }: { view: NonNullable<ReturnType<typeof useApp.getState>['view']> }) {
  const st = view.swvmm;
  const vm = view.vms[0];
  const total = vm ? vm.guestCycles + vm.vmmCycles : 0;
  const share = vm && total > 0 ? (100 * vm.vmmCycles) / total : 0;
  const top = st ? Object.entries(st.emulatedByMnemonic).sort((a, b) => b[1] - a[1]).slice(0, 5) : [];
  const perTrap = st && st.traps > 0 ? st.vmmCycles / st.traps : 0;
  return (
    <>
      <p className="big-line">
        <T
          k="rings.sales.swLead"
          parts={{ r0: <strong>{t('rings.sales.ring0')}</strong>, r1: <strong>{t('rings.sales.ring1')}</strong>, traps: <strong>{t('rings.sales.traps')}</strong> }}
        />
      </p>
      <div className="share" aria-label={t('rings.sales.shareLabel')}>
        <div className="share-bar">
          <span className="guest" style={{ width: `${100 - share}%` }} />
          <span className="vmm" style={{ width: `${share}%` }} />
        </div>
        <p>
          <Share share={share} rest={t('rings.sales.swRest', { count: st?.traps ?? 0, n: formatCount(st?.traps ?? 0), each: perTrap > 0 ? t('rings.sales.swEach', { n: formatCount(perTrap) }) : '' })} />
        </p>
      </div>
      <p className="story-why">
        {t('rings.sales.swWorse')}
      </p>
      {top.length > 0 && (
        <>
          <h3>{t('rings.sales.emulatedTitle')}</h3>
          <ol className="top-reasons">
            {top.map(([name, count]) => (
              <li key={name}>
                <T k="rings.sales.times" params={{ n: formatCount(count) }} parts={{ name: <strong>{name}</strong> }} />
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/**
 * Binary translation and paravirtualization in a customer's words: the same ring-1 guest kernel, but its
 * sensitive instructions are found before they run (translation, Adams & Agesen 2006) or removed from the
 * source (hypercalls, Barham et al. 2003). The figures are the run's own counters.
 */
function TechniqueStory({ view }: { view: NonNullable<ReturnType<typeof useApp.getState>['view']> }) {
  const vm = view.vms[0];
  const total = vm ? vm.guestCycles + vm.vmmCycles : 0;
  const share = vm && total > 0 ? (100 * vm.vmmCycles) / total : 0;
  const bt = view.bt;
  const pv = view.pv;
  return (
    <>
      {bt !== undefined ? (
        <p className="big-line">
          <T
            k="rings.sales.btLead"
            parts={{ r1: <strong>{t('rings.sales.ring1')}</strong>, translates: <strong>{t('rings.sales.translates')}</strong>, call: <strong>{t('rings.sales.callVmm')}</strong> }}
          />
        </p>
      ) : (
        <p className="big-line">
          <T k="rings.sales.pvLead" parts={{ asks: <strong>{t('rings.sales.asksVmm')}</strong>, hypercall: <strong>{t('rings.sales.hypercall')}</strong> }} />
        </p>
      )}
      <div className="share" aria-label={t('rings.sales.shareLabel')}>
        <div className="share-bar">
          <span className="guest" style={{ width: `${100 - share}%` }} />
          <span className="vmm" style={{ width: `${share}%` }} />
        </div>
        <p>
          <Share
            share={share}
            rest={
              bt !== undefined
                ? t('rings.sales.btRest', { misses: formatCount(bt.misses), reuses: formatCount(bt.hits + bt.chained), callouts: formatCount(bt.callouts) })
                : pv !== undefined
                  ? t('rings.sales.pvRest', { count: pv.hypercalls, n: formatCount(pv.hypercalls), ported: pv.ported ? '' : t('rings.sales.notPorted') })
                  : '.'
            }
          />
        </p>
      </div>
      {vm !== undefined && vm.state === 'crashed' && <p className="story-why">{t('rings.sales.stopped', { message: vm.message })}</p>}
    </>
  );
}

/** "62.0 % of the busy time the guest runs its own code; 38.0 % is the VMM's work" and what follows. */
function Share({ share, rest }: { share: number; rest: string }) {
  return <T k="rings.sales.share" params={{ rest }} parts={{ guest: <strong>{(100 - share).toFixed(1)} %</strong>, vmm: <strong>{share.toFixed(1)} %</strong> }} />;
}

export function SalesStory() {
  const view = useApp((s) => s.view);
  if (view === null) return null;
  const vm = view.vms[0];
  const total = vm ? vm.guestCycles + vm.vmmCycles : 0;
  const share = vm && total > 0 ? (100 * vm.vmmCycles) / total : 0;
  const top = vm ? [...vm.exitsByReason].sort((a, b) => b.count - a.count).slice(0, 5) : [];
  return (
    <div className="sales-story">
      {view.mode === 'guest' ? (
        <>
          <p className="big-line">
            <T
              k="rings.sales.vtxLead"
              parts={{ nonRoot: <strong>{t('rings.sales.nonRoot')}</strong>, exit: <strong>{t('rings.sales.vmExit')}</strong>, entry: <strong>{t('rings.sales.vmEntry')}</strong> }}
            />
          </p>
          <div className="share" aria-label={t('rings.sales.shareLabel')}>
            <div className="share-bar">
              <span className="guest" style={{ width: `${100 - share}%` }} />
              <span className="vmm" style={{ width: `${share}%` }} />
            </div>
            <p>
              <Share share={share} rest={t('rings.sales.vtxRest', { count: vm?.exits ?? 0, n: formatCount(vm?.exits ?? 0) })} />
            </p>
          </div>
          {top.length > 0 && STORY[top[0].reason] !== undefined && <p className="story-why">{t(STORY[top[0].reason])}</p>}
          {top.length > 0 && (
            <>
              <h3>{t('rings.sales.whyTitle')}</h3>
              <ol className="top-reasons">
                {top.map((r) => (
                  <li key={r.reason}>
                    <T k="rings.sales.times" params={{ n: formatCount(r.count) }} parts={{ name: <strong>{r.name}</strong> }} />
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      ) : view.mode === 'swvmm' ? (
        <SoftwareVmmStory view={view} />
      ) : view.mode === 'bt' || view.mode === 'pv' ? (
        <TechniqueStory view={view} />
      ) : (
        <p className="big-line">
          {t('rings.sales.native')}
        </p>
      )}
    </div>
  );
}
