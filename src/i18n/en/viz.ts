/** User-visible strings of src/ui/viz (English source; keys are stable, text is what a translator changes). */
export const viz = {
} as const;
