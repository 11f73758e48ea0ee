/** The guest-escape attempts as data (names and what each tries), apart from the runs so the UI can list them cheaply. */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/securitycore.ts';
export type EscapeId = 'memory' | 'page-tables' | 'interrupts' | 'console';
export const ESCAPE_IDS: readonly EscapeId[] = ['memory', 'page-tables', 'interrupts', 'console'];

export const ESCAPE_INFO: Readonly<Record<EscapeId, { title: string; tries: string }>> = {
  memory: { title: t('securitycore.escapeInfo.writeAnotherVmSMemory'), tries: t('securitycore.escapeInfo.storesAValueAtThe') },
  'page-tables': {
    title: t('securitycore.escapeInfo.reprogramTheVmmSPage'),
    tries: t('securitycore.escapeInfo.buildsItsOwnPageTables'),
  },
  interrupts: { title: t('securitycore.escapeInfo.disableInterruptsForTheHost'), tries: t('securitycore.escapeInfo.executesCliAndSpinsForever') },
  console: { title: t('securitycore.escapeInfo.reachAnotherVmSConsole'), tries: t('securitycore.escapeInfo.writesToTheSerialPort') },
};

