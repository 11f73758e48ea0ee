/**
 * The whole English catalogue, the labs' lazily loaded domains included: for tests and tools that check every
 * key (the app itself loads a lab's domain with the lab; catalogue.ts, `English`).
 */
import { en, type English } from './catalogue.ts';
import { asm } from './en/asm.ts';
import { x86 } from './en/x86.ts';
import { io } from './en/io.ts';
import { isolation } from './en/isolation.ts';
import { security } from './en/security.ts';
import { migration } from './en/migration.ts';
import { failover } from './en/failover.ts';
import { consolidation } from './en/consolidation.ts';
import { techniques } from './en/techniques.ts';
import { cost } from './en/cost.ts';
import { scenarios } from './en/scenarios.ts';
import { methods } from './en/methods.ts';
import { platform } from './en/platform.ts';
import { partition } from './en/partition.ts';
import { iopath } from './en/iopath.ts';
import { vtd } from './en/vtd.ts';
import { securitycore } from './en/securitycore.ts';

export const enAll: English = {
  ...en,
  asm,
  x86,
  io,
  isolation,
  security,
  migration,
  failover,
  consolidation,
  techniques,
  cost,
  scenarios,
  methods,
  platform,
  partition,
  iopath,
  vtd,
  securitycore,
};
