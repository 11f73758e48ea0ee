/** Helpers the binary-translation tests share (pure core code: no Node, no Vitest). */
import { assembleProgram, modelOf, type StreamRecorder } from '../deprivileged/test-support.ts';
import { BinaryTranslationVmm, type BinaryTranslationOptions } from './vmm.ts';

/** A binary-translating VMM with `source` loaded, reporting to `sink`. */
export function btFor(source: string, sink?: StreamRecorder, cpu = 'nehalem', extra: Partial<BinaryTranslationOptions> = {}): BinaryTranslationVmm {
  const p = assembleProgram(source);
  const vmm = new BinaryTranslationVmm({ model: modelOf(cpu), trace: sink, ...extra });
  if (sink !== undefined) sink.cpu = vmm.cpu;
  vmm.load(p.bytes, p.origin, p.entry);
  return vmm;
}
