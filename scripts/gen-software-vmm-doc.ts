/**
 * Writes docs/software-vmm.md from the tables the trap-and-emulate VMM itself uses
 * (src/core/techniques/deprivileged/instructions.ts, costs.ts), so the doc cannot drift from the code.
 * `npx tsx scripts/gen-software-vmm-doc.ts`; a Vitest test fails when the doc is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { softwareVmmDoc } from '../src/core/techniques/deprivileged/doc.ts';

const out = fileURLToPath(new URL('../docs/software-vmm.md', import.meta.url));
writeFileSync(out, softwareVmmDoc());
console.log(`wrote ${out}`);
