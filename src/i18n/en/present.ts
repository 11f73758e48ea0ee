/** User-visible strings of src/ui/present (English source; keys are stable, text is what a translator changes). */
export const present = {
} as const;
