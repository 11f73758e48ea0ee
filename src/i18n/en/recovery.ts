/** User-visible strings of crash recovery and saved user data (English source; keys are stable, text is what a translator changes). */
export const recovery = {
} as const;
