/**
 * What a stop rule does, under its select: the option labels are longer than the form column (the Xen rule's is cut
 * at 1280 px), and the rule is the lesson. Rules as the engine applies them (src/core/platform/migration/engine.ts;
 * usage-models.md §B1, §B2).
 */
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';

export function StopRuleHint({ id, rule }: { id: string; rule: 'qemu' | 'xen' | 'clark' }) {
  const text = rule === 'qemu' ? t('migration.rule.qemuWhen') : rule === 'xen' ? t('migration.rule.xenWhen') : t('migration.rule.clarkWhen');
  return (
    <p className="pl-hint pl-under" id={id}>
      {text}
    </p>
  );
}
