/** User-visible strings of src/ui/migration (English source; keys are stable, text is what a translator changes). */
export const migration = {
} as const;
