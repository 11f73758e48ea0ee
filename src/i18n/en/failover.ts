/** User-visible strings of src/ui/failover (English source; keys are stable, text is what a translator changes). */
export const failover = {
} as const;
