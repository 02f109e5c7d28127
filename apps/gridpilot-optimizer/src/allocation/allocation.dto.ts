import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import type { AllocateOptions } from '../optimization/optimizer.service';

const finite = { allowNaN: false, allowInfinity: false };

export class AllocateDto {
  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 168, description: 'MPC horizon in hours' })
  @IsOptional()
  @Max(168)
  @Min(1)
  @IsInt()
  forecast_periods?: number;

  @ApiPropertyOptional({
    default: 0.5,
    minimum: 0,
    maximum: 10,
    description: 'Multiples of the price uncertainty added to imports and taken off exports',
  })
  @IsOptional()
  @Max(10)
  @Min(0)
  @IsNumber(finite)
  risk_aversion?: number;

  @ApiPropertyOptional({
    default: 0.0002,
    minimum: 0,
    maximum: 10,
    description: 'Battery wear cost, $ per kWh charged or discharged',
  })
  @IsOptional()
  @Max(10)
  @Min(0)
  @IsNumber(finite)
  lambda_deg?: number;
}

/** The optimizer's options from a request: its horizon (HORIZON_H by default), risk aversion and wear cost. */
export const allocateOptions = (dto: AllocateDto, config: Pick<GridpilotConfig, 'horizon'>): AllocateOptions => ({
  horizonHours: dto.forecast_periods ?? config.horizon.hours,
  riskAversion: dto.risk_aversion ?? 0.5,
  lambdaDeg: dto.lambda_deg ?? 0.0002,
});

const kwMap = { type: 'object', additionalProperties: { type: 'number' } } as const;

export class OptimizationMetricsDto {
  @ApiProperty() processing_time_ms!: number;
  @ApiProperty({ description: 'welfare of the auction ($/h)' }) social_welfare!: number;
  @ApiProperty({ description: 'allocated kW over the most the loads (and their cooling) can take' })
  allocation_efficiency!: number;
  @ApiProperty() total_allocation_kw!: number;
  @ApiProperty({ description: 'consumption over SITE_POWER_KW' }) utilization!: number;
}

export class MpcSummaryDto {
  @ApiProperty({ enum: ['optimal', 'infeasible', 'unbounded', 'error'] }) status!: string;
  @ApiProperty({ example: 288 }) steps!: number;
  @ApiProperty({ example: 5 }) step_minutes!: number;
  @ApiProperty({ description: 'welfare over the horizon ($)' }) objective!: number;
  @ApiProperty() columns!: number;
  @ApiProperty() rows!: number;
  @ApiProperty() build_time_ms!: number;
  @ApiProperty() solve_time_ms!: number;
  @ApiProperty({ description: 'first step: + charging, − discharging (kW)' }) battery_power_kw!: number;
  @ApiProperty({ description: 'SOC when the plan was made (0–1)' }) soc!: number;
  @ApiProperty({ description: 'SOC at the end of the first step' }) soc_next!: number;
  @ApiProperty({ description: 'SOC at the end of the horizon' }) soc_end!: number;
  @ApiProperty() import_kw!: number;
  @ApiProperty() export_kw!: number;
  @ApiProperty({ description: 'how far the first step leaves the export band (kW)' }) band_violation_kw!: number;
}

export class AllocationResponseDto {
  @ApiProperty({
    ...kwMap,
    description: 'first step, per load and cooling (kW)',
    example: { inference: 120, cooling: 36 },
  })
  allocation!: Record<string, number>;
  @ApiProperty({ ...kwMap, description: 'VCG payments ($/h)' }) payments!: Record<string, number>;
  @ApiProperty({ type: OptimizationMetricsDto }) optimization_metrics!: OptimizationMetricsDto;
  @ApiProperty({ type: MpcSummaryDto }) mpc!: MpcSummaryDto;
  @ApiProperty({ type: [String] }) notes!: string[];
  @ApiProperty() constraints_satisfied!: boolean;
}
