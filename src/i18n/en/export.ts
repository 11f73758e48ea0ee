/** User-visible strings of src/ui/export (English source; keys are stable, text is what a translator changes). */
export const exportStrings = {
} as const;
