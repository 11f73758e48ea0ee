/** VT-d: DMA remapping, fault recording and reporting, interrupt remapping, and SR-IOV sharing (white paper §3.3.5). */
export * from './reasons.ts';
export * from './hardware.ts';
export * from './translate.ts';
export * from './faults.ts';
export * from './interrupts.ts';
export * from './dma.ts';
export * from './lab.ts';
export * from './sriov.ts';
