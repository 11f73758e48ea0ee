import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { softwareVmmDoc } from './doc.ts';
import { SENSITIVE_UNPRIVILEGED, TRAPPED } from './instructions.ts';

describe('docs/software-vmm.md', () => {
  const doc = readFileSync(new URL('../../../../docs/software-vmm.md', import.meta.url), 'utf8');
  it('is the text generated from the VMM\'s own tables (run: npx tsx scripts/gen-software-vmm-doc.ts)', () => {
    expect(doc).toBe(softwareVmmDoc());
  });
  it('has a row for every trapped instruction group and every sensitive unprivileged mnemonic', () => {
    for (const t of TRAPPED) expect(doc).toContain(`| ${t.mnemonics.replace(/\|/g, '\\|')} |`);
    for (const s of SENSITIVE_UNPRIVILEGED) expect(doc).toContain(`| ${s.mnemonic} |`);
  });
});
