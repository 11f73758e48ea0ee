/**
 * Restart policy: what the VMM (its management layer) does with a VM it has marked failed. The three choices
 * are the ones libvirt, Docker and systemd offer under different names — Docker `--restart no | on-failure[:N] |
 * always` (docs.docker.com, "Start containers automatically"); systemd `Restart=` with `StartLimitBurst=`;
 * libvirt `<on_crash>destroy | restart</on_crash>` (libvirt.org/formatdomain.html#events-configuration).
 * Here "always" also restarts a VM that powered itself off; every fault in this lab is a failure, so
 * on-failure and always differ only in the limit.
 */
export type RestartPolicy = { kind: 'never' } | { kind: 'on-failure'; maxRestarts: number } | { kind: 'always' };

export type RestartDecision = { restart: true; attempt: number } | { restart: false; why: string };

/** `restartsSoFar`: restarts this VM already had in this run. */
export function decideRestart(policy: RestartPolicy, restartsSoFar: number): RestartDecision {
  switch (policy.kind) {
    case 'never':
      return { restart: false, why: 'restart policy “never”: the VM stays off' };
    case 'on-failure':
      if (restartsSoFar < policy.maxRestarts) return { restart: true, attempt: restartsSoFar + 1 };
      return { restart: false, why: `restart policy “on-failure” with a limit of ${policy.maxRestarts}: ${restartsSoFar === 0 ? 'no restart allowed' : `the limit is reached after ${restartsSoFar} restart${restartsSoFar === 1 ? '' : 's'}`}; the VM stays off` };
    case 'always':
      return { restart: true, attempt: restartsSoFar + 1 };
  }
}

export function describePolicy(p: RestartPolicy): string {
  return p.kind === 'never' ? 'never' : p.kind === 'always' ? 'always' : `on-failure (limit ${p.maxRestarts})`;
}
