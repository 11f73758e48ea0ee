/** The I/O-path and overhead lab core (issue 7 items 5 and 8). */
export * from './types.ts';
export { runIoPath, decodeIoQualification, portName } from './run.ts';
export { pathMetrics, type PathMetrics, type Sourced } from './metrics.ts';
export { validateIoPathParams, DEFAULT_IO_PARAMS, MAX_PACKETS, NET_BYTES, DISK_BYTES, type IoParamError, type IoParamField } from './params.ts';
export { IO_FIGURES, ioFigureById, type IoFigure } from './figures.ts';
export { overheadReport, overheadCell, transitionCost, SECTION_335, OVERHEAD_WORKLOADS, type OverheadReport, type OverheadCell, type TransitionCost, type OverheadWorkload } from './overhead.ts';
