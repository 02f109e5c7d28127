import type { ApiPropertyOptions } from '@nestjs/swagger';

/** Where a latest value came from: Redis, or the database when Redis is away or lacks it. */
export const LATEST_SOURCE: ApiPropertyOptions = { enum: ['redis', 'database'] };
/** The document's timestamps: YYYY-MM-DDTHH:MM:SS (UTC, no zone suffix). */
export const TIMESTAMP: ApiPropertyOptions = { type: String, example: '2024-01-01T14:00:00' };
export const NULLABLE_TIMESTAMP: ApiPropertyOptions = { ...TIMESTAMP, nullable: true };
export const NULLABLE_NUMBER: ApiPropertyOptions = { type: Number, nullable: true };
export const SUCCESS: ApiPropertyOptions = { example: 'success' };
/** Points of a chart as `[epoch_ms, value]`. */
export const SERIES: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
  example: [[1704067200000, 60.01]],
};
/** An object whose keys the data names (`battery_1_alarm`, `Rack 01`, …), each a string. */
export const STRING_MAP: ApiPropertyOptions = { type: 'object', additionalProperties: { type: 'string' } };
