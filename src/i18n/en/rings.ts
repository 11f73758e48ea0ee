/** User-visible strings of src/ui/rings (English source; keys are stable, text is what a translator changes). */
export const rings = {
} as const;
