/** User-visible strings of src/ui/io (English source; keys are stable, text is what a translator changes). */
export const io = {
} as const;
