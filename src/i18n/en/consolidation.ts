/** User-visible strings of src/ui/consolidation (English source; keys are stable, text is what a translator changes). */
export const consolidation = {
} as const;
