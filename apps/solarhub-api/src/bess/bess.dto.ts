import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { LATEST_SOURCE, NULLABLE_TIMESTAMP, STRING_MAP, SUCCESS } from '../common/responses';

export class RackParam {
  @ApiProperty({ example: 'rack01', pattern: '^rack(0[1-9]|1[0-2])$' })
  @Matches(/^rack(0[1-9]|1[0-2])$/, { message: 'rack_number must be rack01 … rack12' })
  rack_number!: string;
}

export class BessSummaryDto {
  @ApiProperty({ example: 'Charging' }) mode!: string;
  @ApiProperty({ description: '%' }) soc_pct!: number;
  @ApiProperty({ description: 'kW, discharge positive' }) power_kw!: number;
  @ApiProperty() capacity_kwh!: number;
  @ApiProperty({ description: 'cumulative kWh' }) charge_energy_kwh!: number;
  @ApiProperty({ description: 'cumulative kWh' }) discharge_energy_kwh!: number;
}

/** One row of the rack table: the metric, then one string per rack label of `table_head`. */
export class BessMetricRowDto {
  [rack: string]: string;
  @ApiProperty({ example: 'SOC (%)' }) metric!: string;
}

export class BessViewDto {
  @ApiProperty({ minimum: 1, maximum: 12 }) bess_number!: number;
  @ApiProperty() bess_type!: string;
  @ApiProperty({ type: [String], example: ['Rack 01', 'Rack 02'] }) table_head!: string[];
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { metric: { type: 'string', example: 'SOC (%)' } },
      required: ['metric'],
      additionalProperties: { type: 'string', description: "a rack's value, '-' without one" },
    },
  })
  data!: BessMetricRowDto[];
  @ApiProperty({ type: BessSummaryDto, nullable: true }) summary!: BessSummaryDto | null;
  @ApiProperty() online!: boolean;
  @ApiProperty(NULLABLE_TIMESTAMP) updated_at!: string | null;
  @ApiProperty(LATEST_SOURCE) source!: 'redis' | 'database';
  @ApiProperty(SUCCESS) status!: string;
}

export class RackAlertsDto {
  @ApiProperty({ example: 'rack01' }) rack_number!: string;
  @ApiProperty({ ...STRING_MAP, description: 'battery_N_protection, _alarm, _warning per BESS N: 正常, 異常 or -' })
  battery_alerts!: Record<string, string>;
  @ApiProperty({ ...STRING_MAP, description: "bams_N_status: the rack's BAMS link, 正常 or 通訊中斷" })
  bams_alerts!: Record<string, string>;
  @ApiProperty(SUCCESS) status!: string;
}
