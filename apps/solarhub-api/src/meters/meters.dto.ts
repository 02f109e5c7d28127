import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { MeterData } from '@lib/contracts';
import { DATE, dateMessage } from '../common/query';
import { LATEST_SOURCE, NULLABLE_NUMBER, SUCCESS, TIMESTAMP } from '../common/responses';

export class AuxQuery {
  @ApiPropertyOptional({ description: 'YYYY-MM-DD; default today (UTC)' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  time?: string;

  @ApiPropertyOptional({ enum: ['chart', 'summary'], default: 'chart' })
  @IsIn(['chart', 'summary'])
  data_type: 'chart' | 'summary' = 'chart';
}

/** A meter's latest reading: the fields of its telemetry (libs/contracts MeterData), its id and time. */
export class MeterViewDto extends PickType(MeterData, [
  'phase_a_current',
  'phase_b_current',
  'phase_c_current',
  'phase_a_voltage',
  'phase_b_voltage',
  'phase_c_voltage',
  'active_power',
  'reactive_power',
  'apparent_power',
  'frequency',
  'power_factor',
] as const) {
  @ApiProperty({ example: 1 }) meter_id!: number;
  @ApiProperty(TIMESTAMP) updated_at!: string;
}

export class MeterWithStateDto extends MeterViewDto {
  @ApiProperty() online!: boolean;
}

export class MetersDto {
  @ApiProperty({ type: [MeterWithStateDto] }) meters!: MeterWithStateDto[];
  @ApiProperty() meter_count!: number;
  @ApiProperty({ description: 'kW' }) total_power!: number;
  @ApiProperty({ ...LATEST_SOURCE, description: 'redis when every meter came from Redis' }) source!: string;
  @ApiProperty(SUCCESS) status!: string;
}

export class AuxPointDto {
  @ApiProperty(TIMESTAMP) time!: string;
  @ApiProperty({ description: 'average kW over the 15 minutes' }) power!: number;
}

export class AuxSummaryDataDto {
  @ApiProperty({ description: 'kWh' }) total_energy!: number;
  @ApiProperty(NULLABLE_NUMBER) avg_power!: number | null;
  @ApiProperty(NULLABLE_NUMBER) max_power!: number | null;
  @ApiProperty(NULLABLE_NUMBER) min_power!: number | null;
}

class AuxDayDto {
  @ApiProperty({ example: '2024-01-01' }) date!: string;
  @ApiProperty() meter_id!: number;
  @ApiProperty(SUCCESS) status!: string;
}

export class AuxChartDto extends AuxDayDto {
  @ApiProperty({ type: [AuxPointDto] }) data!: AuxPointDto[];
  @ApiProperty({ enum: ['chart'] }) data_type!: string;
}

export class AuxSummaryDto extends AuxDayDto {
  @ApiProperty({ type: AuxSummaryDataDto }) data!: AuxSummaryDataDto;
  @ApiProperty({ enum: ['summary'] }) data_type!: string;
}
