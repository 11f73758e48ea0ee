/**
 * Restart policy: what the VMM (its management layer) does with a VM it has marked failed. The three choices
 * are the ones libvirt, Docker and systemd offer under different names — Docker `--restart no | on-failure[:N] |
 * always` (docs.docker.com, "Start containers automatically"); systemd `Restart=` with `StartLimitBurst=`;
 * libvirt `<on_crash>destroy | restart</on_crash>` (libvirt.org/formatdomain.html#events-configuration).
 * Here "always" also restarts a VM that powered itself off; every fault in this lab is a failure, so
 * on-failure and always differ only in the limit.
 */

import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';
export type RestartPolicy = { kind: 'never' } | { kind: 'on-failure'; maxRestarts: number } | { kind: 'always' };

export type RestartDecision = { restart: true; attempt: number } | { restart: false; why: string };

/** `restartsSoFar`: restarts this VM already had in this run. */
export function decideRestart(policy: RestartPolicy, restartsSoFar: number): RestartDecision {
  switch (policy.kind) {
    case 'never':
      return { restart: false, why: t('partition.policy.restartPolicyNeverThe') };
    case 'on-failure':
      if (restartsSoFar < policy.maxRestarts) return { restart: true, attempt: restartsSoFar + 1 };
      return { restart: false, why: t('partition.policy.restartPolicyOnFailureWith', { maxRestarts: policy.maxRestarts, why: restartsSoFar === 0 ? t('partition.policy.noRestartAllowed') : t('partition.policy.theLimitIsReached', { count: restartsSoFar }) }) };
    case 'always':
      return { restart: true, attempt: restartsSoFar + 1 };
  }
}

export function describePolicy(p: RestartPolicy): string {
  return p.kind === 'never' ? 'never' : p.kind === 'always' ? 'always' : t('partition.policy.onFailureLimit', { maxRestarts: p.maxRestarts });
}
