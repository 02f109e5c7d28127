import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { InverterBlock, MpptReading, PhaseReading, StringReading } from '@lib/contracts';
import { LATEST_SOURCE, SUCCESS, TIMESTAMP } from '../common/responses';
import type { InverterDetail } from '../telemetry/records';

export class InverterQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 12, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  inverter_number = 1;
}

/** An inverter's latest reading: the blocks of its telemetry (libs/contracts PvInverterData). */
export class InverterViewDto {
  @ApiProperty({ minimum: 1, maximum: 12 }) inverter_number!: number;
  @ApiProperty({ type: InverterBlock }) inverter_data!: InverterBlock;
  @ApiProperty({ type: [MpptReading], description: 'per tracker: V, A and W' }) mppt_data!: InverterDetail['mppt'];
  @ApiProperty({ type: [StringReading] }) string_currents!: InverterDetail['strings'];
  @ApiProperty({ type: [PhaseReading] }) phase_data!: InverterDetail['phases'];
  @ApiProperty() online!: boolean;
  @ApiProperty(TIMESTAMP) updated_at!: string;
  @ApiProperty(LATEST_SOURCE) source!: 'redis' | 'database';
  @ApiProperty(SUCCESS) status!: string;
}
