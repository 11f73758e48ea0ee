/**
 * The labs, in the order of the white paper (../shared/seed): what each shows and which section it
 * follows. The shell's navigation, the URL and the help read this list.
 */
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
  { id: 'rings', title: 'Rings & VMX', group: 'VT-x', summary: 'Privilege rings without a VMM, with a software VMM and with VT-x: every VM exit and VM entry of a real guest kernel, as it happens.', paper: 'Sections 3.1–3.2, Table 1, Figures 2 and 3', ready: true },
  { id: 'techniques', title: 'Software vs hardware', group: 'VT-x', summary: 'The same guest under trap-and-emulate, binary translation, paravirtualization, VT-x with shadow paging and VT-x with EPT: correctness and cost side by side.', paper: 'Sections 3.1, 3.1.1 and 3.2.1', ready: true },
  { id: 'isolation', title: 'Isolation', group: 'Platform', summary: 'A crash stays inside its VM: faults injected into one VM on the VMX core, the others keep running; CPU shares, caps and a noisy neighbour against the PBX.', paper: 'Section 3.3.1, Workload Isolation', ready: true },
  { id: 'failover', title: 'Fail-over', group: 'Platform', summary: 'A replicated SIP PBX: the standby VM takes over when the active one fails.', paper: 'Section 3.3.1, Workload Isolation (fail-over of a replicated PBX)', ready: true },
  { id: 'consolidation', title: 'Consolidation', group: 'Platform', summary: 'Many servers onto few hosts: placement, dynamic CPU, memory and I/O allocation, power and cost.', paper: 'Section 3.3.2, Workload Consolidation', ready: true },
  { id: 'migration', title: 'Migration', group: 'Platform', summary: 'Live migration of a running VM without clients reconnecting.', paper: 'Section 3.3.3, Workload Migration', ready: true },
  { id: 'security', title: 'Security', group: 'Platform', summary: 'Per-VM access control for the functional groups sharing the server, and what a guest can make the VMM do.', paper: 'Section 3.3.4, Security', ready: true },
  { id: 'io', title: 'I/O', group: 'Platform', summary: 'The limits: one packet through an emulated device, a paravirtual ring and a VT-d assigned device; DMA remapping and its fault records; a shared SR-IOV device; the VMM overhead.', paper: 'Section 3.3.5, Limitation of Current Intel VT Architecture', ready: true },
];

/** The views of the labs whose link is just the open view (`#/io?v=1&tab=dma`): id and tab label, in tab order. */
export const LAB_TABS = {
  isolation: [{ id: 'faults', label: 'Faults' }, { id: 'resources', label: 'Resources' }],
  security: [{ id: 'access', label: 'Access control' }, { id: 'surface', label: 'Attack surface' }],
  io: [{ id: 'path', label: 'I/O path' }, { id: 'dma', label: 'DMA remapping' }, { id: 'sriov', label: 'Shared device' }, { id: 'overhead', label: 'Overhead' }],
} as const;
export type TabbedLabId = keyof typeof LAB_TABS;
export type LabTab<L extends TabbedLabId> = (typeof LAB_TABS)[L][number]['id'];
export const isTabbedLab = (lab: LabId): lab is TabbedLabId => lab in LAB_TABS;

export function labInfo(id: LabId): LabInfo {
  return LABS.find((l) => l.id === id)!;
}
