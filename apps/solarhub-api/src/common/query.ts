import { PipeTransform, UnprocessableEntityException } from '@nestjs/common';

/** The query parts every feature shares: date formats, their parsing and the unit number pipe. */

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The document's datetimes: YYYY-MM-DD HH:MM:SS (a T separator and a bare date are accepted too). */
export const DATETIME = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/;
export const dateMessage = { message: '$property must be a date (YYYY-MM-DD)' };
export const datetimeMessage = { message: '$property must be a datetime (YYYY-MM-DD HH:MM:SS)' };

/** A query time as epoch ms (UTC); an impossible date (2024-02-31) is a 422 naming the field. */
export function queryTime(field: string, value: string): number {
  const [date, time = '00:00:00'] = value.split(/[ T]/);
  const iso = `${date}T${time.length === 5 ? `${time}:00` : time}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== iso.slice(0, 19)) {
    throw new UnprocessableEntityException({
      detail: [{ type: 'value_error', loc: ['query', field], msg: `${field} is not a valid date`, input: value }],
    });
  }
  return ms;
}

/**
 * A unit number path parameter (1…12) checked without a DTO: the BESS view is the hottest route,
 * and class-validator's per-request cost is most of what it would spend.
 */
export class UnitNumberPipe implements PipeTransform<string, number> {
  constructor(private readonly field: string) {}

  transform(value: string): number {
    const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (n >= 1 && n <= 12) return n;
    const msg = Number.isNaN(n) ? `${this.field} must be an integer number` : `${this.field} must be between 1 and 12`;
    throw new UnprocessableEntityException({
      detail: [{ type: 'value_error', loc: ['param', this.field], msg, input: value }],
    });
  }
}
