/**
 * Who shares the consolidated server, and what each group may do to which VM.
 *
 * The white paper (../shared/seed, §3.3.4 "Security"): "each guest OS can be password protected separately,
 * although they reside on the same VMM. This would be especially useful to prevent unauthorized access, since
 * the consolidated server is shared between different functional groups in an organization." The VMs are the
 * paper's own examples of what a converged application platform hosts (§2 list and §3.3.1): a SIP PBX and a
 * firewall on Linux guests, a Windows streaming server, and a server for internal applications (HRM, email, FTP).
 *
 * Which group may do what is not in the paper: the table below is this lab's **model assumption** (an
 * organisation would write its own), shaped by the paper's groups — IT runs the platform ("reduced burden on
 * network administrator and IT staff", §2), the voice team runs the PBX and the media server, HR uses its HRM
 * server. The UI labels it an assumption.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/securitycore.ts';

/** The per-VM actions the management interface offers (what a console user can ask the VMM for). */
export const ACTIONS = ['console', 'power', 'migrate', 'configure'] as const;
export type Action = (typeof ACTIONS)[number];

export const ACTION_LABELS: Readonly<Record<Action, string>> = {
  console: t('securitycore.groups.openConsole'),
  power: t('securitycore.groups.startStop'),
  migrate: t('securitycore.groups.migrate'),
  configure: t('securitycore.groups.configure'),
};

export type GroupId = 'it' | 'hr' | 'voice';

export interface GroupInfo {
  id: GroupId;
  name: string;
  /** Why this group is on the server (the paper's words where it has them). */
  role: string;
}

export const GROUPS: readonly GroupInfo[] = [
  { id: 'it', name: t('securitycore.groups.itName'), role: t('securitycore.groups.itRole') },
  { id: 'hr', name: t('securitycore.groups.hrName'), role: t('securitycore.groups.hrRole') },
  { id: 'voice', name: t('securitycore.groups.voiceName'), role: t('securitycore.groups.voiceRole') },
];

export type VmId = 'pbx' | 'firewall' | 'streaming' | 'hrm';

export interface VmInfo {
  id: VmId;
  name: string;
  guest: string;
  /** Where the paper names this workload. */
  paper: string;
}

export const VMS: readonly VmInfo[] = [
  { id: 'pbx', name: t('securitycore.groups.pbxName'), guest: t('securitycore.groups.linuxGuestAsterisk'), paper: '§2, §3.3.1' },
  { id: 'firewall', name: t('securitycore.groups.firewallName'), guest: t('securitycore.groups.linuxGuest'), paper: '§2, §3.3.1' },
  { id: 'streaming', name: t('securitycore.groups.streamingName'), guest: t('securitycore.groups.windowsGuest'), paper: '§3.3.1, §3.3.2' },
  { id: 'hrm', name: t('securitycore.groups.hrmName'), guest: t('securitycore.groups.internalApplicationsServer'), paper: '§2' },
];

/** One group's rights: VM → the actions allowed on it (absent = none). */
export type Grants = Partial<Record<VmId, readonly Action[]>>;

/**
 * The lab's default policy (assumption, see the file comment). Least privilege: migration, which moves a VM
 * to another platform (paper §3.3.3), is IT's alone; HR may open its own server's console and nothing else.
 */
export const DEFAULT_POLICY: Readonly<Record<GroupId, Grants>> = {
  it: { pbx: ACTIONS, firewall: ACTIONS, streaming: ACTIONS, hrm: ACTIONS },
  voice: { pbx: ['console', 'power', 'configure'], streaming: ['console', 'power', 'configure'] },
  hr: { hrm: ['console'] },
};

export function isAction(x: unknown): x is Action {
  return typeof x === 'string' && (ACTIONS as readonly string[]).includes(x);
}
export function isVmId(x: unknown): x is VmId {
  return typeof x === 'string' && VMS.some((v) => v.id === x);
}
export function groupInfo(id: GroupId): GroupInfo {
  return GROUPS.find((g) => g.id === id)!;
}
export function vmInfo(id: VmId): VmInfo {
  return VMS.find((v) => v.id === id)!;
}
