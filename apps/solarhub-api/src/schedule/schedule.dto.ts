import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DATETIME, datetimeMessage } from '../common/query';
import { SERIES, SUCCESS, TIMESTAMP } from '../common/responses';
import { SCHEDULE_MODES, ScheduleMode } from '../storage/entities';
import type { HourIncome } from './income';

/** An award to add to the schedule (admin): capacity and power in MW, prices in $/MWh. */
export class CreateScheduleEventDto {
  @ApiProperty({ enum: SCHEDULE_MODES }) @IsIn(SCHEDULE_MODES) mode!: ScheduleMode;
  @ApiProperty({ example: '2024-01-01T14:00:00Z' }) @IsISO8601({ strict: true }) time_start!: string;
  @ApiProperty({ example: '2024-01-01T15:00:00Z' }) @IsISO8601({ strict: true }) time_end!: string;
  @ApiProperty() @IsBoolean() is_get!: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() interrupt?: boolean;
  @ApiProperty() @IsNumber() @Min(0) @Max(10_000) quote_capacity!: number;
  @ApiProperty() @IsNumber() @Min(0) @Max(10_000) power!: number;
  @ApiProperty() @IsNumber() @Min(-10_000) @Max(100_000) price!: number;
  @ApiProperty() @IsNumber() @Min(-10_000) @Max(100_000) quote_price!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) quote_code?: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) description?: string;
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

export class ScheduleEventDto {
  @ApiProperty() index!: number;
  @ApiProperty({ enum: SCHEDULE_MODES }) mode!: ScheduleMode;
  @ApiProperty({ description: 'the hour of the day it starts in, 1-24' }) time_number!: number;
  @ApiProperty(TIMESTAMP) time_start!: string;
  @ApiProperty(TIMESTAMP) time_end!: string;
  @ApiProperty(TIMESTAMP) time_date!: string;
  @ApiProperty() is_get!: boolean;
  @ApiProperty() interrupt!: boolean;
  @ApiProperty({ description: 'MW' }) quote_capacity!: number;
  @ApiProperty({ description: 'MW' }) power!: number;
  @ApiProperty({ description: '$/MWh' }) price!: number;
  @ApiProperty({ description: '$/MWh' }) quote_price!: number;
  @ApiProperty({ type: String, nullable: true }) quote_code!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
}

export class ScheduleEventsDto {
  @ApiProperty({ type: [ScheduleEventDto] }) events!: ScheduleEventDto[];
  @ApiProperty({ enum: ['all', ...SCHEDULE_MODES] }) mode!: string;
  @ApiProperty() weeks!: number;
  @ApiProperty(TIMESTAMP) from!: string;
  @ApiProperty(TIMESTAMP) to!: string;
  @ApiProperty() total_count!: number;
}

export class HourIncomeDto implements HourIncome {
  @ApiProperty({ minimum: 0, maximum: 24, description: 'hours since local midnight (a DST day has 23 or 25)' })
  hour!: number;
  @ApiProperty({ ...TIMESTAMP, description: "the hour's start, UTC" }) time!: string;
  @ApiProperty() capacity_fee!: number;
  @ApiProperty() efficiency_fee!: number;
  @ApiProperty({ description: 'delivered ÷ scheduled energy, at most 1' }) exec_rate!: number;
  @ApiProperty({ description: 'delivered ÷ scheduled energy' }) performance_index!: number;
  @ApiProperty() scheduled_mwh!: number;
  @ApiProperty() delivered_mwh!: number;
}

export class DailyIncomeDto {
  @ApiProperty({ example: '2024-01-01' }) date!: string;
  @ApiProperty({ type: [HourIncomeDto] }) hourly_data!: HourIncomeDto[];
  @ApiProperty() total_capacity_fee!: number;
  @ApiProperty() total_efficiency_fee!: number;
  @ApiProperty() total_income!: number;
  @ApiProperty({ description: 'mean over the hours with an award' }) avg_exec_rate!: number;
  @ApiProperty({ description: 'mean over the hours with an award' }) avg_performance_index!: number;
}

export class DayIncomeTotalsDto {
  @ApiProperty({ example: '2024-01-01' }) date!: string;
  @ApiProperty() capacity_fee!: number;
  @ApiProperty() efficiency_fee!: number;
  @ApiProperty() total_income!: number;
  @ApiProperty() avg_exec_rate!: number;
}

export class MonthlyIncomeDto {
  @ApiProperty({ example: '2024-01' }) month!: string;
  @ApiProperty({ type: [DayIncomeTotalsDto] }) daily_data!: DayIncomeTotalsDto[];
  @ApiProperty() total_capacity_fee!: number;
  @ApiProperty() total_efficiency_fee!: number;
  @ApiProperty() total_income!: number;
  @ApiProperty({ description: 'mean over the days with an award' }) avg_exec_rate!: number;
}

export class ExecRateDto {
  @ApiProperty({ example: '2024-01-01' }) date!: string;
  @ApiProperty({ enum: ['exec_rate', 'roll_exec_rate', 'hour_exec_rate'] }) data_type!: string;
  @ApiProperty({ ...SERIES, description: '[epoch_ms, rate]' }) data!: [number, number][];
  @ApiProperty(SUCCESS) status!: string;
}
