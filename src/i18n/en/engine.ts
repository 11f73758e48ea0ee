/** User-visible strings of src/ui/engine (English source; keys are stable, text is what a translator changes). */
export const engine = {
  'client.workerError': 'worker error',
  'client.theSimulatorStopped': 'the simulator stopped: {error}',
  'client.stepBack': 'step back',
  'client.theEngineFailed': 'the engine failed',
  'client.notRunning': 'the simulator is not running',
  'client.abandoned': 'the simulator stopped while working on this and was restarted; run it again',
  'client.couldNotStart': 'the simulator could not start: {error}',
} as const;
