/** User-visible strings of src/ui/engine (English source; keys are stable, text is what a translator changes). */
export const engine = {
} as const;
