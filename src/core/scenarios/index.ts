/**
 * The scenario catalogue: the lab programs VT Lab ships (`guest/*.s`), what each one shows, and how its
 * run ends. The program texts are embedded by `generate.ts` (no file system needed), so the UI, the
 * worker and the tests load them the same way.
 *
 * A catalogue entry fixes the mode its program runs in: `loadScenarioSource` returns the text with the
 * `; @mode` header set to the entry's mode, so one file can back two entries (the kernel runs both as a
 * guest and on the bare machine). Every program runs on all four CPU models.
 */
import type { LabMode } from '../lab/header.ts';
import type { GuestEndReason } from '../vmm/guest-lab.ts';
import { SCENARIO_SOURCES } from './sources.generated.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/scenarios.ts';

export type ScenarioKind = 'kernel' | 'workload' | 'lesson';

export interface Scenario {
  /** Stable identifier (URLs, tests). */
  id: string;
  title: string;
  /** The program, a file in `guest/`. */
  file: string;
  mode: LabMode;
  kind: ScenarioKind;
  /** What the program does. */
  description: string;
  /** What it teaches: what to look for in the trace. */
  lesson: string;
  /** How the run ends on every CPU model (the `end` record's reason). */
  end: GuestEndReason;
  /** The program also runs unchanged in the other mode, printing the same console text. */
  portable: boolean;
}

export const SCENARIOS: readonly Scenario[] = Object.freeze([
  {
    id: 'kernel',
    title: t('scenarios.kernel.title'),
    file: 'kernel.s',
    mode: 'guest',
    kind: 'kernel',
    description: t('scenarios.kernel.description'),
    lesson: t('scenarios.kernel.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'kernel-bare',
    title: t('scenarios.kernelBare.title'),
    file: 'kernel.s',
    mode: 'bare',
    kind: 'kernel',
    description: t('scenarios.kernelBare.description'),
    lesson: t('scenarios.kernelBare.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'cpu-bound',
    title: t('scenarios.cpuBound.title'),
    file: 'cpu-bound.s',
    mode: 'guest',
    kind: 'workload',
    description: t('scenarios.cpuBound.description'),
    lesson: t('scenarios.cpuBound.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'syscall-heavy',
    title: t('scenarios.syscallHeavy.title'),
    file: 'syscall-heavy.s',
    mode: 'guest',
    kind: 'workload',
    description: t('scenarios.syscallHeavy.description'),
    lesson: t('scenarios.syscallHeavy.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'io-heavy',
    title: t('scenarios.ioHeavy.title'),
    file: 'io-heavy.s',
    mode: 'guest',
    kind: 'workload',
    description: t('scenarios.ioHeavy.description'),
    lesson: t('scenarios.ioHeavy.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'pagefault-heavy',
    title: t('scenarios.pagefaultHeavy.title'),
    file: 'pagefault-heavy.s',
    mode: 'guest',
    kind: 'workload',
    description: t('scenarios.pagefaultHeavy.description'),
    lesson: t('scenarios.pagefaultHeavy.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'cpuid',
    title: t('scenarios.cpuid.title'),
    file: 'cpuid.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.cpuid.description'),
    lesson: t('scenarios.cpuid.lesson'),
    end: 'halted',
    portable: false,
  },
  {
    id: 'hlt-idle',
    title: t('scenarios.hltIdle.title'),
    file: 'hlt-idle.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.hltIdle.description'),
    lesson: t('scenarios.hltIdle.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'uart-hello',
    title: t('scenarios.uartHello.title'),
    file: 'uart-hello.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.uartHello.description'),
    lesson: t('scenarios.uartHello.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'timer-interrupt',
    title: t('scenarios.timerInterrupt.title'),
    file: 'timer-interrupt.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.timerInterrupt.description'),
    lesson: t('scenarios.timerInterrupt.lesson'),
    end: 'halted',
    portable: false,
  },
  {
    id: 'syscall-ring3',
    title: t('scenarios.syscallRing3.title'),
    file: 'syscall-ring3.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.syscallRing3.description'),
    lesson: t('scenarios.syscallRing3.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'cr3-write',
    title: t('scenarios.cr3Write.title'),
    file: 'cr3-write.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.cr3Write.description'),
    lesson: t('scenarios.cr3Write.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'ept-violation',
    title: t('scenarios.eptViolation.title'),
    file: 'ept-violation.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.eptViolation.description'),
    lesson: t('scenarios.eptViolation.lesson'),
    end: 'halted',
    portable: true,
  },
  {
    id: 'triple-fault',
    title: t('scenarios.tripleFault.title'),
    file: 'triple-fault.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.tripleFault.description'),
    lesson: t('scenarios.tripleFault.lesson'),
    end: 'triple-fault',
    portable: true,
  },
  {
    id: 'bare-hypervisor',
    title: t('scenarios.bareHypervisor.title'),
    file: 'bare-hypervisor.s',
    mode: 'bare',
    kind: 'lesson',
    description: t('scenarios.bareHypervisor.description'),
    lesson: t('scenarios.bareHypervisor.lesson'),
    end: 'halted',
    portable: false,
  },
  {
    id: 'real-mode-guest',
    title: t('scenarios.realModeGuest.title'),
    file: 'real-mode-guest.s',
    mode: 'bare',
    kind: 'lesson',
    description: t('scenarios.realModeGuest.description'),
    lesson: t('scenarios.realModeGuest.lesson'),
    end: 'halted',
    portable: false,
  },
  {
    id: 'sensitive',
    title: t('scenarios.sensitive.title'),
    file: 'sensitive.s',
    mode: 'guest',
    kind: 'lesson',
    description: t('scenarios.sensitive.description'),
    lesson: t('scenarios.sensitive.lesson'),
    end: 'halted',
    portable: true,
  },
] satisfies Scenario[]);

export function getScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

const MODE_HEADER = /^(\s*;\s*@mode\s+)(\S+)(.*)$/m;

/** The program text with its `; @mode` header set to `mode` (added as the first line if missing). */
export function withMode(source: string, mode: LabMode): string {
  if (MODE_HEADER.test(source)) return source.replace(MODE_HEADER, (_m, head: string, _old: string, tail: string) => head + mode + tail);
  return `; @mode ${mode}\n${source}`;
}

/**
 * The program of scenario `id`, ready to run in the entry's mode; undefined for an unknown id.
 * Uses only the embedded sources (no file system).
 */
export function loadScenarioSource(id: string): string | undefined {
  const s = getScenario(id);
  if (s === undefined) return undefined;
  const text = SCENARIO_SOURCES[s.file];
  return text === undefined ? undefined : withMode(text, s.mode);
}

/** Replaces the value of `NAME equ value` in a program (the parameters at the top of each file). */
export function withParameter(source: string, name: string, value: number | string): string | undefined {
  const re = new RegExp(`^(\\s*${name.replace(/[^A-Za-z0-9_]/g, '')}\\s+equ\\s+)([^;\\n]*?)(\\s*(;.*)?)$`, 'm');
  if (!re.test(source)) return undefined;
  return source.replace(re, (_m, head: string, _old: string, tail: string) => head + String(value) + tail);
}
