import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DATE, DATETIME, dateMessage, datetimeMessage } from '../common/query';
import { NULLABLE_NUMBER, SERIES, SUCCESS, TIMESTAMP } from '../common/responses';

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

export class PowerLossDayDto {
  @ApiProperty({ example: '2024-01-01' }) date!: string;
  @ApiProperty() discharge_energy!: number;
  @ApiProperty() charge_energy!: number;
  @ApiProperty({ description: 'charge − discharge' }) loss!: number;
  @ApiProperty({ ...NULLABLE_NUMBER, description: 'discharge ÷ charge, %' }) efficiency!: number | null;
  @ApiProperty() aux_consumption!: number;
}

export class PowerLossDto {
  @ApiProperty({ example: '2024-01-01' }) start_date!: string;
  @ApiProperty({ example: 'kWh' }) unit!: string;
  @ApiProperty({ type: [PowerLossDayDto] }) daily_data!: PowerLossDayDto[];
  @ApiProperty() total_discharge!: number;
  @ApiProperty() total_charge!: number;
  @ApiProperty() total_loss!: number;
  @ApiProperty({ ...NULLABLE_NUMBER, description: '%' }) avg_efficiency!: number | null;
  @ApiProperty() total_aux!: number;
}

export class PowerIoPointDto {
  @ApiProperty({ example: '2024-01-01T14:00:00', description: 'the hour (daily) or the date (monthly)' }) time!: string;
  @ApiProperty() charge_energy!: number;
  @ApiProperty() discharge_energy!: number;
}

export class PowerIoDto {
  @ApiProperty({ example: '2024-01-01' }) select_time!: string;
  @ApiProperty({ enum: ['daily', 'monthly'] }) data_type!: string;
  @ApiProperty({ example: 'kWh' }) unit!: string;
  @ApiProperty({ type: [PowerIoPointDto] }) data!: PowerIoPointDto[];
  @ApiProperty() total_charge!: number;
  @ApiProperty() total_discharge!: number;
  @ApiProperty(SUCCESS) status!: string;
}

export class FreqPowerDto {
  @ApiProperty({ description: 'minutes per point' }) date_period!: number;
  @ApiProperty({ type: String, nullable: true }) select_time!: string | null;
  @ApiProperty({ enum: ['normalMode', 'selectTimeMode'] }) select_mode!: string;
  @ApiProperty(TIMESTAMP) from!: string;
  @ApiProperty(TIMESTAMP) to!: string;
  @ApiProperty({ ...SERIES, description: '[epoch_ms, Hz]: mean of the grid meters' }) frequency_data!: [
    number,
    number,
  ][];
  @ApiProperty({ ...SERIES, description: '[epoch_ms, kW]: the batteries, discharge positive' })
  power_data!: [number, number][];
  @ApiProperty({ ...SERIES, description: '[epoch_ms, Hz]' }) baseline_data!: [number, number][];
}
