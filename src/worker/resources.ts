/**
 * The worker's side of the Isolation lab's Resources tab: the request checked (src/core/scheduling/run.ts) and
 * run on the VMX core in one task (a few seconds of simulated compressed time). Bad input comes back as an error
 * naming the field, not as an exception.
 */
import { checkResourcesParams, runResources, type ResourcesParams, type ResourcesResult } from '../core/scheduling/index.ts';

export type ResourcesRequest = ResourcesParams;
export type ResourcesResponse = { ok: true; result: ResourcesResult; workerMs: number } | { ok: false; field: string; message: string };

export function runResourcesLab(req: ResourcesRequest, now: () => number = () => 0): ResourcesResponse {
  const c = checkResourcesParams(req);
  if (!c.ok) return c;
  const t0 = now();
  const result = runResources(req);
  return { ok: true, result, workerMs: now() - t0 };
}
