import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { LATEST_SOURCE, NULLABLE_NUMBER, NULLABLE_TIMESTAMP, SUCCESS } from '../common/responses';
import { PCS_ALERT_WORDS } from '../telemetry/records';

export class PcsAlertQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 12, default: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  pcs_number = 1;
}

export class PcsViewDto {
  @ApiProperty({ minimum: 1, maximum: 12 }) pcs_number!: number;
  @ApiProperty() pcs_type!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Discharging' }) mode!: string | null;
  @ApiProperty({ ...NULLABLE_NUMBER, description: 'kW' }) active_power!: number | null;
  @ApiProperty({ ...NULLABLE_NUMBER, description: 'kvar' }) reactive_power!: number | null;
  @ApiProperty({ ...NULLABLE_NUMBER, description: 'V' }) dc_voltage!: number | null;
  @ApiProperty() online!: boolean;
  @ApiProperty(NULLABLE_TIMESTAMP) updated_at!: string | null;
  @ApiProperty(LATEST_SOURCE) source!: 'redis' | 'database';
  @ApiProperty(SUCCESS) status!: string;
}

/** The seven status words, each as 16 binary digits (null before the first reading). */
export type PcsAlertWordStrings = Record<(typeof PCS_ALERT_WORDS)[number], string | null>;

export class PcsAlertDto {
  @ApiProperty({ minimum: 1, maximum: 12 }) pcs_number!: number;
  @ApiProperty(NULLABLE_TIMESTAMP) updated_at!: string | null;
  @ApiProperty(SUCCESS) status!: string;
}
// The words' names come from the one list the parser uses, so the schema cannot drift from the answer.
for (const word of PCS_ALERT_WORDS) {
  ApiProperty({ type: String, nullable: true, example: '0000000000000000' })(PcsAlertDto.prototype, word);
}
