/** User-visible strings of src/ui/security (English source; keys are stable, text is what a translator changes). */
export const security = {
} as const;
