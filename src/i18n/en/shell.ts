/** User-visible strings of src/ui/shell (English source; keys are stable, text is what a translator changes). */
export const shell = {
} as const;
