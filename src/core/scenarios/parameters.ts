/**
 * The parameters a user may change in each scenario: `NAME equ value` lines at the top of its program,
 * with the range in which the program is known to work (checked by scenarios.test.ts at both ends).
 * A value outside the range is refused with a message naming it, before anything runs.
 */
import { SCENARIO_SOURCES } from './sources.generated.ts';
import { getScenario } from './index.ts';
// Descriptions come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';

export interface ParameterSpec {
  name: string;
  min: number;
  max: number;
  description: string;
}

export interface ScenarioParameter extends ParameterSpec {
  /** The value in the program as shipped. */
  value: number;
}

/** A parameter whose description is read from the catalogue when shown (so it follows the active language). */
function param(name: string, min: number, max: number, key: MessageKey): ParameterSpec {
  return {
    name,
    min,
    max,
    get description() {
      return t(key);
    },
  };
}

/** By program file (a file backs every scenario that runs it). */
const PARAMETERS: Readonly<Record<string, readonly ParameterSpec[]>> = {
  'kernel.s': [
    param('TICKS_TO_RUN', 1, 1000, 'session.param.ticksToRun'),
    // The 8254's 16-bit divisor limits the rate from below: 1193182 / 65535 = 18.2 Hz.
    param('TIMER_HZ', 19, 10000, 'session.param.timerHz'),
    param('USER_SLEEPS', 0, 50, 'session.param.userSleeps'),
    param('USER_FAULT_DEMO', 0, 1, 'session.param.userFaultDemo'),
  ],
  'cpu-bound.s': [
    param('ITERATIONS', 1, 10_000_000, 'session.param.iterations'),
    param('SEED', 1, 0xffffffff, 'session.param.seed'),
  ],
  'cr3-write.s': [param('SWITCHES', 1, 10_000, 'session.param.switches')],
  'ept-violation.s': [
    // FIRST_PAGE + PAGES × PAGE_STRIDE must stay inside the 8-MiB guest RAM: at most 90 pages.
    param('PAGES', 1, 90, 'session.param.pagesApart'),
    param('TOUCH_BEYOND_RAM', 0, 1, 'session.param.touchBeyondRam'),
  ],
  'hlt-idle.s': [
    param('TICKS', 1, 1000, 'session.param.ticksToSleep'),
    param('TIMER_HZ', 19, 10000, 'session.param.timerHz'),
  ],
  'io-heavy.s': [param('ROUNDS', 1, 10_000, 'session.param.ioRounds')],
  'pagefault-heavy.s': [
    param('PAGES', 1, 1024, 'session.param.demandPages'),
    param('ROUNDS', 1, 100, 'session.param.evictRounds'),
  ],
  'syscall-heavy.s': [param('SYSCALLS', 1, 1_000_000, 'session.param.syscalls')],
  'syscall-ring3.s': [param('GATE_DPL', 0, 3, 'session.param.gateDpl')],
  'timer-interrupt.s': [
    param('TICKS', 1, 1000, 'session.param.interruptsToWait'),
    param('TIMER_HZ', 19, 100_000, 'session.param.timerHz'),
  ],
};

function valueIn(source: string, name: string): number | undefined {
  const m = new RegExp(`^\\s*${name}\\s+equ\\s+(0x[0-9a-fA-F]+|\\d+)\\b`, 'm').exec(source);
  return m === null ? undefined : Number(m[1]);
}

/** The parameters of scenario `id`, with their shipped values (empty for an unknown id). */
export function scenarioParameters(id: string): ScenarioParameter[] {
  const sc = getScenario(id);
  if (sc === undefined) return [];
  const src = SCENARIO_SOURCES[sc.file] ?? '';
  return (PARAMETERS[sc.file] ?? []).flatMap((p) => {
    const value = valueIn(src, p.name);
    return value === undefined ? [] : [{ ...p, value }];
  });
}
