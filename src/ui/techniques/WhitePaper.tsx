/**
 * The white paper's §3.1 and §3.1.1 in the Software vs hardware lab (issue 5, item 5). §3.1 counts "17
 * instructions" but prints no table of them, so the section quotes what it does say (its two options and its
 * Table 1), says so, and links each of the lab's 18 sensitive unprivileged mnemonics to its demo (the same
 * positions as the Popek & Goldberg table). §3.1.1's four challenges are cards, each quoting the paper and
 * showing one run of the comparison (src/core/techniques/white-paper.ts maps the runs to the cards).
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { demoSpec } from '../../core/techniques/popek-goldberg.ts';
import { SENSITIVE_UNPRIVILEGED } from '../../core/techniques/deprivileged/instructions.ts';
import {
  CHALLENGES,
  SECTION_3_1_OPTIONS,
  TABLE_1,
  WHITE_PAPER_CITATION,
  challengeCards,
  countNote,
  type ChallengeCard,
  type EvidenceFigure,
} from '../../core/techniques/white-paper.ts';
import type { DemoPosition, TechniqueComparison } from '../../worker/protocol.ts';
import { cycles, pgDemoHref, shortTitle, verdictLook } from './view.ts';
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

function figureText(f: EvidenceFigure): string {
  if (f.unit === 'percent') return `${f.value > 0 ? '+' : ''}${cycles(f.value)} %`;
  return f.unit === 'cycles' ? t('techniques.paper.cycles', { n: cycles(f.value) }) : cycles(f.value);
}

export function WhitePaperSection31({ cpu }: { cpu: string }) {
  const health = useApp((s) => s.health);
  const [positions, setPositions] = useState<DemoPosition[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (health !== 'ready') return;
    let live = true;
    setPositions(null);
    setError(null);
    commands
      .sensitiveDemoPositions(cpu)
      .then((r) => {
        if (!live) return;
        if (r.ok) setPositions(r.positions);
        else setError(r.message);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [health, cpu]);
  const spec = demoSpec(cpu);
  return (
    <section className="panel tq-wp" aria-labelledby="tq-wp31-h" data-testid="wp-3-1">
      <h2 id="tq-wp31-h">{t('techniques.paper.whitePaper31')}</h2>
      <div className="tq-wp-body">
        <p className="tq-footnote tq-wp-cite"><T k="techniques.paper.from31" parts={{ cite: <cite>{WHITE_PAPER_CITATION}</cite> }} /></p>
        <blockquote className="tq-wp-quote">
          <p>{SECTION_3_1_OPTIONS.intro}</p>
          {SECTION_3_1_OPTIONS.items.map((t) => (
            <p key={t}>{t}</p>
          ))}
        </blockquote>
        <p className="tq-wp-note" role="note">
          <T k="techniques.paper.theOneTable3" parts={{ strong: <strong>{t('techniques.paper.noTableOfThe')}</strong>, countNote: countNote() }} /></p>
        <div className="tq-table-wrap">
          <table className="tq-table tq-wp-t1">
            <caption>{TABLE_1.caption}</caption>
            <thead>
              <tr>
                {TABLE_1.columns.map((col) => (
                  <th key={col.head} scope="col">
                    {col.head}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {TABLE_1.columns.map((col) => (
                  <td key={col.head}>
                    <ul>
                      {col.bullets.map((b) => (
                        <li key={b}>{b}</li>
                      ))}
                    </ul>
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      </div>
      <div className="tq-table-wrap">
        <table className="tq-table tq-wp-insns" aria-label={t('techniques.paper.theSensitiveUnprivilegedInstruct')} data-testid="wp-insn-table">
          <thead>
            <tr>
              <th scope="col">{t('techniques.paper.instruction')}</th>
              <th scope="col">{t('techniques.paper.runByTheGuest')}</th>
              <th scope="col">{t('techniques.paper.demo')}</th>
            </tr>
          </thead>
          <tbody>
            {SENSITIVE_UNPRIVILEGED.map((s) => {
              const pos = positions?.find((p) => p.mnemonic === s.mnemonic);
              return (
                <tr key={s.mnemonic} data-wp={s.mnemonic}>
                  <th scope="row">
                    <code>{s.mnemonic}</code>
                  </th>
                  <td>{s.atRing1}</td>
                  <td>
                    {pos !== undefined ? (
                      <a href={pgDemoHref(spec, pos.seq)} aria-label={t('techniques.paper.demoOfAtRing', { mnemonic: s.mnemonic })}>
                        {t('techniques.paper.stepToIt')}
                      </a>
                    ) : error !== null ? (
                      <span className="tq-pg-why">{t('techniques.paper.notFound', { error })}</span>
                    ) : (
                      <span className="tq-pg-why">{t('techniques.paper.findingItsPosition')}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Challenges({ c }: { c: TechniqueComparison | null }) {
  const cards = c === null ? null : challengeCards(c);
  return (
    <section className="panel tq-wp" aria-labelledby="tq-wp311-h" data-testid="wp-3-1-1">
      <h2 id="tq-wp311-h">{t('techniques.paper.whitePaper312')}</h2>
      {cards === null ? (
        <ol className="tq-wp-cards">
          {CHALLENGES.map((ch) => (
            <li key={ch.id} className="tq-wp-card">
              <h3>{ch.title}</h3>
              <blockquote className="tq-wp-quote">{ch.quote}</blockquote>
              <p className="tq-footnote">{t('techniques.paper.runTheComparisonTo')}</p>
            </li>
          ))}
        </ol>
      ) : (
        <>
          <p className="tq-footnote">{t('techniques.paper.eachCardQuotes3', { shortTitle: shortTitle(c!.workloadTitle), cpuName: c!.cpuName })}</p>
          <ol className="tq-wp-cards">
            {cards.map((card) => (
              <Card key={card.id} card={card} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function Card({ card }: { card: ChallengeCard }) {
  const look = verdictLook({ status: card.status } as Parameters<typeof verdictLook>[0]);
  return (
    <li className="tq-wp-card" data-challenge={card.id} aria-labelledby={`tq-wp-${card.id}`}>
      <h3 id={`tq-wp-${card.id}`}>{card.title}</h3>
      <blockquote className="tq-wp-quote">“{card.quote}”</blockquote>
      {card.source !== null ? (
        <p className="tq-wp-run">
          <span className="tq-k">{t('techniques.paper.theEvidence')}</span> {card.source}
        </p>
      ) : (
        <p className="tq-wp-run">
          <span className="tq-k">{t('techniques.paper.theRun')}</span> {card.techniqueTitle} —{' '}
          <span className={`tone-${look.tone} tq-wp-verdict`}>
            <span aria-hidden="true">{look.icon}</span> {look.word}
          </span>
        </p>
      )}
      {card.figure !== null && (
        <p className="tq-wp-figure" data-testid="challenge-figure">
          <span className="tq-wp-num">{figureText(card.figure)}</span> <span>{card.figure.label}</span>
        </p>
      )}
      {card.more.length > 0 && (
        <dl className="tq-wp-more">
          {card.more.map((m) => (
            <div key={m.label}>
              <dt>{m.label}</dt>
              <dd>{figureText(m)}</dd>
            </div>
          ))}
        </dl>
      )}
      {card.shows.map((s) => (
        <p key={s} className="tq-wp-shows">
          {s}
        </p>
      ))}
      {card.code.map((x) => (
        <div key={x.label} className="tq-diffline">
          <div>
            <span className="tq-k">{x.label}:</span> <code>{x.text}</code>
          </div>
        </div>
      ))}
    </li>
  );
}
