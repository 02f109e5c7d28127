/** ISO-8601 UTC to the second (`2025-01-12T10:30:00Z`), the timestamp format of every payload. */
export const isoSeconds = (at: Date = new Date()): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
