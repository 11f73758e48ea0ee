/** User-visible strings of src/ui/tours (English source; keys are stable, text is what a translator changes). */
export const tours = {
} as const;
