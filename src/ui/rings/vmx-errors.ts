/** VM-instruction error numbers in words (SDM Vol. 3C Table 30-1). */
import { vmInstructionErrorInfo } from '../../core/vmx/spec/instruction-errors.ts';
import { t } from '../../i18n/t.ts';

export function instructionErrorText(n: number): string {
  return vmInstructionErrorInfo(n)?.description ?? t('rings.vmxErrors.errorN', { n });
}
