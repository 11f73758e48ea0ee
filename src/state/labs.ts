/**
 * The labs, in the order of the white paper (../shared/seed): what each shows and which section it
 * follows. The shell's navigation, the URL and the help read this list.
 */
import { t } from '../i18n/t.ts';

export const LAB_IDS = ['rings', 'techniques', 'isolation', 'failover', 'consolidation', 'migration', 'security', 'io'] as const;
export type LabId = (typeof LAB_IDS)[number];
export const DEFAULT_LAB: LabId = 'rings';

export interface LabInfo {
  id: LabId;
  title: string;
  /** Group in the navigation. */
  group: 'VT-x' | 'Platform';
  summary: string;
  /** Where the white paper makes this point. */
  paper: string;
  /** Built and running in this version. */
  ready: boolean;
}

export const LABS: readonly LabInfo[] = [
  { id: 'rings', title: t('state.lab.rings.title'), group: 'VT-x', summary: t('state.lab.rings.summary'), paper: t('state.lab.rings.paper'), ready: true },
  { id: 'techniques', title: t('state.lab.techniques.title'), group: 'VT-x', summary: t('state.lab.techniques.summary'), paper: t('state.lab.techniques.paper'), ready: true },
  { id: 'isolation', title: t('state.lab.isolation.title'), group: 'Platform', summary: t('state.lab.isolation.summary'), paper: t('state.lab.isolation.paper'), ready: true },
  { id: 'failover', title: t('state.lab.failover.title'), group: 'Platform', summary: t('state.lab.failover.summary'), paper: t('state.lab.failover.paper'), ready: true },
  { id: 'consolidation', title: t('state.lab.consolidation.title'), group: 'Platform', summary: t('state.lab.consolidation.summary'), paper: t('state.lab.consolidation.paper'), ready: true },
  { id: 'migration', title: t('state.lab.migration.title'), group: 'Platform', summary: t('state.lab.migration.summary'), paper: t('state.lab.migration.paper'), ready: true },
  { id: 'security', title: t('state.lab.security.title'), group: 'Platform', summary: t('state.lab.security.summary'), paper: t('state.lab.security.paper'), ready: true },
  { id: 'io', title: t('state.lab.io.title'), group: 'Platform', summary: t('state.lab.io.summary'), paper: t('state.lab.io.paper'), ready: true },
];

/** The views of the labs whose link is just the open view (`#/io?v=1&tab=dma`): id and tab label, in tab order. */
export const LAB_TABS = {
  isolation: [{ id: 'faults', label: t('state.tab.isolation.faults') }, { id: 'resources', label: t('state.tab.isolation.resources') }],
  security: [{ id: 'access', label: t('state.tab.security.access') }, { id: 'surface', label: t('state.tab.security.surface') }],
  io: [{ id: 'path', label: t('state.tab.io.path') }, { id: 'dma', label: t('state.tab.io.dma') }, { id: 'sriov', label: t('state.tab.io.sriov') }, { id: 'overhead', label: t('state.tab.io.overhead') }],
} as const;
export type TabbedLabId = keyof typeof LAB_TABS;
export type LabTab<L extends TabbedLabId> = (typeof LAB_TABS)[L][number]['id'];
export const isTabbedLab = (lab: LabId): lab is TabbedLabId => lab in LAB_TABS;

export function labInfo(id: LabId): LabInfo {
  return LABS.find((l) => l.id === id)!;
}

/** How much the labs show: Sales (rings and boxes), Classroom (exit reasons, key VMCS fields), Engineer (everything). */
export type DetailLevel = 'sales' | 'classroom' | 'engineer';
/** The Rings lab's tabs. */
export type RingsTab = 'code' | 'vmcs' | 'exits' | 'events' | 'controls' | 'program' | 'models' | 'machine' | 'sensitive' | 'ept';

/** Every detail level and every Rings tab, for checking untrusted input (links, the presenter channel). */
export const DETAIL_LEVELS = ['sales', 'classroom', 'engineer'] as const satisfies readonly DetailLevel[];
export const RINGS_TABS = ['code', 'vmcs', 'exits', 'events', 'controls', 'program', 'models', 'machine', 'sensitive', 'ept'] as const satisfies readonly RingsTab[];
