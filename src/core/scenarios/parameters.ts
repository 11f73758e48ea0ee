/**
 * The parameters a user may change in each scenario: `NAME equ value` lines at the top of its program,
 * with the range in which the program is known to work (checked by scenarios.test.ts at both ends).
 * A value outside the range is refused with a message naming it, before anything runs.
 */
import { SCENARIO_SOURCES } from './sources.generated.ts';
import { getScenario } from './index.ts';

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

/** By program file (a file backs every scenario that runs it). */
const PARAMETERS: Readonly<Record<string, readonly ParameterSpec[]>> = {
  'kernel.s': [
    { name: 'TICKS_TO_RUN', min: 1, max: 1000, description: 'timer ticks before the kernel prints its summary and stops' },
    // The 8254's 16-bit divisor limits the rate from below: 1193182 / 65535 = 18.2 Hz.
    { name: 'TIMER_HZ', min: 19, max: 10000, description: 'PIT interrupt rate (Hz)' },
    { name: 'USER_SLEEPS', min: 0, max: 50, description: 'how many times the ring-3 task sleeps for one tick' },
    { name: 'USER_FAULT_DEMO', min: 0, max: 1, description: '1: the ring-3 task tries HLT (privileged) and takes #GP' },
  ],
  'cpu-bound.s': [
    { name: 'ITERATIONS', min: 1, max: 10_000_000, description: 'xorshift32 rounds' },
    { name: 'SEED', min: 1, max: 0xffffffff, description: 'the generator\'s seed (xorshift32 needs a non-zero one)' },
  ],
  'cr3-write.s': [{ name: 'SWITCHES', min: 1, max: 10_000, description: 'CR3 switches in the main loop' }],
  'ept-violation.s': [
    // FIRST_PAGE + PAGES × PAGE_STRIDE must stay inside the 8-MiB guest RAM: at most 90 pages.
    { name: 'PAGES', min: 1, max: 90, description: 'pages to touch, 68 KiB apart' },
    { name: 'TOUCH_BEYOND_RAM', min: 0, max: 1, description: '1: touch guest-physical 0x900000, outside guest RAM' },
  ],
  'hlt-idle.s': [
    { name: 'TICKS', min: 1, max: 1000, description: 'timer interrupts to sleep through' },
    { name: 'TIMER_HZ', min: 19, max: 10000, description: 'PIT interrupt rate (Hz)' },
  ],
  'io-heavy.s': [{ name: 'ROUNDS', min: 1, max: 10_000, description: 'rounds of port I/O' }],
  'pagefault-heavy.s': [
    { name: 'PAGES', min: 1, max: 1024, description: 'pages in the demand-paged region (4 MiB at most)' },
    { name: 'ROUNDS', min: 1, max: 100, description: 'evict / re-touch / CR3-reload rounds' },
  ],
  'syscall-heavy.s': [{ name: 'SYSCALLS', min: 1, max: 1_000_000, description: 'system calls the ring-3 loop makes' }],
  'syscall-ring3.s': [{ name: 'GATE_DPL', min: 0, max: 3, description: 'DPL of the INT 0x80 gate (below 3, ring 3 takes #GP)' }],
  'timer-interrupt.s': [
    { name: 'TICKS', min: 1, max: 1000, description: 'interrupts to wait for' },
    { name: 'TIMER_HZ', min: 19, max: 100_000, description: 'PIT interrupt rate (Hz)' },
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
