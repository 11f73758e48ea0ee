/** User-visible strings of src/ui/techniques (English source; keys are stable, text is what a translator changes). */
export const techniques = {
} as const;
