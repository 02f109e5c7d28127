import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { SCHEDULE_MODES, ScheduleMode } from '../storage/entities';

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
