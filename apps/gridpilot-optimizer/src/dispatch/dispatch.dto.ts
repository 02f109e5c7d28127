import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class DispatchDto {
  @ApiPropertyOptional({ default: false, description: 'Dry run: build the commands, send nothing' })
  @IsOptional()
  @IsBoolean()
  simulate?: boolean;
}

export class DispatchHistoryQueryDto {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 500 })
  @IsOptional()
  @Max(500)
  @Min(1)
  @IsInt()
  limit?: number;
}

const kwMap = { type: 'object', additionalProperties: { type: 'number' } } as const;
const DISPATCH_STATUSES = ['success', 'partial', 'unreachable', 'failed', 'simulated'];

/** What one target (the BESS, the plant, ocpp-csms, a device) answered. */
export class TargetResultDto {
  @ApiProperty({ example: 'plant', description: '`bess:<id>`, `plant`, `ocpp-csms` or `device:<id>`' })
  target!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what was sent and what came back' })
  detail!: Record<string, unknown>;
  @ApiPropertyOptional() error?: string;
}

/** The power an allocation asks of the site (kW): what a full cycle and a dispatch both report. */
export class PowerRequirementsDto {
  @ApiProperty({ description: 'what the site draws from the plant' }) total_power_kw!: number;
  @ApiProperty() cooling_power_kw!: number;
  @ApiProperty({ description: '+ charging, − discharging' }) battery_power_kw!: number;
}

export class DispatchPowerDto extends PowerRequirementsDto {
  @ApiProperty({ description: 'the load the optimizer does not steer' }) base_load_kw!: number;
}

export class SystemStateDto {
  @ApiProperty({ description: '0–1' }) soc!: number;
  @ApiProperty() utilization!: number;
  @ApiProperty({ description: 'round-trip battery efficiency' }) efficiency!: number;
}

export class DispatchPayloadDto {
  @ApiProperty({ ...kwMap, description: 'kW per load, with cooling' }) allocation!: Record<string, number>;
  @ApiProperty({ type: DispatchPowerDto }) power_requirements!: DispatchPowerDto;
  @ApiProperty() constraints_satisfied!: boolean;
  @ApiProperty({ type: SystemStateDto }) system_state!: SystemStateDto;
}

export class CoolingRequirementsDto {
  @ApiProperty() cooling_kw!: number;
  @ApiProperty({ type: Number, nullable: true, description: '1 / COOLING_RATIO' }) cop!: number | null;
}

export class DispatchResultDto {
  @ApiProperty({ enum: DISPATCH_STATUSES }) status!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null while the database is away' })
  dispatch_id!: number | null;
  @ApiProperty() message!: string;
  @ApiProperty({ type: DispatchPayloadDto }) payload!: DispatchPayloadDto;
  @ApiProperty({ type: CoolingRequirementsDto }) cooling_requirements!: CoolingRequirementsDto;
  @ApiProperty({ type: [TargetResultDto] }) targets!: TargetResultDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'net export the plant reports after the dispatch' })
  export_kw!: number | null;
}

export class DispatchPerformanceDto {
  @ApiProperty() processing_time_ms!: number;
  @ApiProperty() constraints_satisfied!: boolean;
  @ApiProperty() total_power_kw!: number;
}

export class DispatchResponseDto {
  @ApiProperty({ type: DispatchResultDto }) dispatch_result!: DispatchResultDto;
  @ApiProperty({ type: DispatchPerformanceDto }) performance_metrics!: DispatchPerformanceDto;
  @ApiProperty() timestamp!: string;
}

export class DispatchHistoryResultDto {
  @ApiProperty() message!: string;
  @ApiProperty({ type: Number, nullable: true }) export_kw!: number | null;
  @ApiProperty() battery_kw!: number;
  @ApiProperty({ type: [TargetResultDto] }) targets!: TargetResultDto[];
}

export class DispatchHistoryEntryDto {
  @ApiProperty() id!: number;
  @ApiProperty() timestamp!: string;
  @ApiProperty({ enum: ['api', 'cycle', 'control'] }) origin!: string;
  @ApiProperty({ enum: DISPATCH_STATUSES }) status!: string;
  @ApiProperty() constraints_satisfied!: boolean;
  @ApiProperty() total_power_kw!: number;
  @ApiProperty(kwMap) allocation!: Record<string, number>;
  @ApiProperty({ type: DispatchHistoryResultDto }) result!: DispatchHistoryResultDto;
}

export class DispatchHistoryDto {
  @ApiProperty({ type: [DispatchHistoryEntryDto], description: 'newest first' })
  dispatches!: DispatchHistoryEntryDto[];
}
