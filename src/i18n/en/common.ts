/** Strings shared by several views (buttons, units, states). English source text; keys stay stable across languages. */
export const common = {
  close: 'Close',
  cancel: 'Cancel',
  run: 'Run',
  reset: 'Reset',
  assumption: 'assumption',
  source: 'Source',
} as const;
