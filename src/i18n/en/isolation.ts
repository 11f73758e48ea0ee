/** User-visible strings of src/ui/isolation (English source; keys are stable, text is what a translator changes). */
export const isolation = {
} as const;
