import { PipeTransform, UnprocessableEntityException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { SCHEDULE_MODES } from '../storage/entities';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The document's datetimes: YYYY-MM-DD HH:MM:SS (a T separator and a bare date are accepted too). */
const DATETIME = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/;
const dateMessage = { message: '$property must be a date (YYYY-MM-DD)' };
const datetimeMessage = { message: '$property must be a datetime (YYYY-MM-DD HH:MM:SS)' };

export class RackParam {
  @ApiProperty({ example: 'rack01', pattern: '^rack(0[1-9]|1[0-2])$' })
  @Matches(/^rack(0[1-9]|1[0-2])$/, { message: 'rack_number must be rack01 … rack12' })
  rack_number!: string;
}

export class PcsAlertQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 12, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  pcs_number = 1;
}

export class InverterQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 12, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  inverter_number = 1;
}

export class AuxQuery {
  @ApiPropertyOptional({ description: 'YYYY-MM-DD; default today (UTC)' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  time?: string;

  @ApiPropertyOptional({ enum: ['chart', 'summary'], default: 'chart' })
  @IsIn(['chart', 'summary'])
  data_type: 'chart' | 'summary' = 'chart';
}

export class ScheduleQuery {
  @ApiPropertyOptional({ enum: ['all', ...SCHEDULE_MODES], default: 'all' })
  @IsIn(['all', ...SCHEDULE_MODES])
  mode = 'all';

  @ApiPropertyOptional({ minimum: 1, maximum: 52, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(52)
  weeks = 1;
}

export class DailyIncomeQuery {
  @ApiPropertyOptional({ description: 'YYYY-MM-DD HH:MM:SS; default today (UTC)' })
  @IsOptional()
  @Matches(DATETIME, datetimeMessage)
  start_time?: string;
}

export class MonthlyIncomeQuery {
  @ApiProperty({ example: '2024-01', description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'start_time must be a month (YYYY-MM)' })
  start_time!: string;
}

export class ExecRateQuery {
  @ApiProperty({ example: '2024-01-01 00:00:00' })
  @Matches(DATETIME, datetimeMessage)
  date!: string;

  @ApiPropertyOptional({ enum: ['exec_rate', 'roll_exec_rate', 'hour_exec_rate'], default: 'exec_rate' })
  @IsIn(['exec_rate', 'roll_exec_rate', 'hour_exec_rate'])
  data_type: 'exec_rate' | 'roll_exec_rate' | 'hour_exec_rate' = 'exec_rate';
}

export class PowerLossQuery {
  @ApiProperty({ example: '2024-01-01 00:00:00' })
  @Matches(DATETIME, datetimeMessage)
  start_time!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 31, default: 7, description: 'Days from start_time' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(31)
  days = 7;
}

export class PowerIoQuery {
  @ApiProperty({ example: '2024-01-01' })
  @Matches(DATE, dateMessage)
  select_time!: string;

  @ApiPropertyOptional({ enum: ['daily', 'monthly'], default: 'daily' })
  @IsIn(['daily', 'monthly'])
  data_type: 'daily' | 'monthly' = 'daily';
}

export class FreqPowerQuery {
  @ApiProperty({ minimum: 1, maximum: 1440, description: 'Interval of each point, in minutes' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  date_period!: number;

  @ApiPropertyOptional({ description: 'Start of the 24 hours shown (selectTimeMode)' })
  @IsOptional()
  @Matches(DATETIME, datetimeMessage)
  select_time?: string;

  @ApiPropertyOptional({ enum: ['normalMode', 'selectTimeMode'], default: 'normalMode' })
  @IsIn(['normalMode', 'selectTimeMode'])
  select_mode: 'normalMode' | 'selectTimeMode' = 'normalMode';
}

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
