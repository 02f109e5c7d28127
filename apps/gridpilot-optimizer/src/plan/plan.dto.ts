import { ApiProperty } from '@nestjs/swagger';

export class PlanStepDto {
  @ApiProperty({ example: '2026-12-04T10:05:00Z', description: 'start of the step' }) start!: string;
  @ApiProperty({ description: 'energy price the plan used ($/MWh)' }) price_per_mwh!: number;
  @ApiProperty({ description: 'battery SOC at the end of the step (0–1)' }) soc!: number;
  @ApiProperty({ description: 'battery power: + charging, − discharging (kW)' }) battery_kw!: number;
  @ApiProperty({ description: 'what the site draws from the plant (kW)' }) consumption_kw!: number;
  @ApiProperty() import_kw!: number;
  @ApiProperty() export_kw!: number;
  @ApiProperty() cooling_kw!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { inference: 120 } })
  loads_kw!: Record<string, number>;
}

export class ExportBandDto {
  @ApiProperty({ example: 0 }) min_kw!: number;
  @ApiProperty({ example: 50 }) max_kw!: number;
}

export class PlanDto {
  @ApiProperty({ description: 'when the plan was computed' }) computed_at!: string;
  @ApiProperty({ enum: ['optimal', 'infeasible', 'unbounded', 'error'] }) status!: string;
  @ApiProperty() constraints_satisfied!: boolean;
  @ApiProperty({ example: 5 }) step_minutes!: number;
  @ApiProperty({ example: 24 }) horizon_hours!: number;
  @ApiProperty({ description: 'welfare over the horizon ($)' }) objective!: number;
  @ApiProperty({ description: 'battery SOC when the plan was made (0–1)' }) soc_start!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'first step, per load (kW)' })
  allocation!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'VCG payments ($/h)' })
  payments!: Record<string, number>;
  @ApiProperty({ type: [String] }) notes!: string[];
  @ApiProperty({
    type: ExportBandDto,
    description: 'the band the site keeps its grid export in (EXPORT_MIN_KW, EXPORT_MAX_KW)',
  })
  export_band_kw!: ExportBandDto;
  @ApiProperty({ type: [PlanStepDto] }) steps!: PlanStepDto[];
}
