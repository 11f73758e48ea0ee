/**
 * Which component shows each lab. The default lab (Rings & VMX) is in the first bundle; every other lab is
 * its own chunk, loaded when it is first opened (issue 8: the first view interactive fast, the initial
 * JavaScript small), and prefetched once the first view has settled so opening it later is instant offline too.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { LabId } from '../../state/labs.ts';
import { RingsLab } from '../rings/RingsLab.tsx';

const loaders: Record<Exclude<LabId, 'rings'>, () => Promise<{ default: ComponentType }>> = {
  techniques: () => import('../techniques/TechniquesLab.tsx').then((m) => ({ default: m.TechniquesLab })),
  isolation: () => import('../isolation/IsolationLab.tsx').then((m) => ({ default: m.IsolationLab })),
  failover: () => import('../failover/FailoverLab.tsx').then((m) => ({ default: m.FailoverLab })),
  consolidation: () => import('../consolidation/ConsolidationLab.tsx').then((m) => ({ default: m.ConsolidationLab })),
  migration: () => import('../migration/MigrationLab.tsx').then((m) => ({ default: m.MigrationLab })),
  security: () => import('../security/SecurityLab.tsx').then((m) => ({ default: m.SecurityLab })),
  io: () => import('../io/IoLab.tsx').then((m) => ({ default: m.IoLab })),
};

export const LAB_VIEWS: Record<LabId, ComponentType | LazyExoticComponent<ComponentType>> = {
  rings: RingsLab,
  techniques: lazy(loaders.techniques),
  isolation: lazy(loaders.isolation),
  failover: lazy(loaders.failover),
  consolidation: lazy(loaders.consolidation),
  migration: lazy(loaders.migration),
  security: lazy(loaders.security),
  io: lazy(loaders.io),
};

/** Fetches every lab's chunk in the background (idempotent: the browser caches module imports). */
export function prefetchLabs(): void {
  for (const load of Object.values(loaders)) void load().catch(() => undefined);
}
