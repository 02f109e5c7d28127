import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { AllocateDto } from '../allocation/allocation.dto';
import { PowerRequirementsDto } from '../dispatch/dispatch.dto';

export class FullCycleDto extends AllocateDto {
  @ApiPropertyOptional({ default: false, description: 'Dry run: compute everything, send nothing' })
  @IsOptional()
  @IsBoolean()
  simulate?: boolean;
}

const kwMap = { type: 'object', additionalProperties: { type: 'number' } } as const;

export class CycleDispatchDto {
  @ApiProperty({ type: Number, nullable: true, description: 'null while the database is away' }) id!: number | null;
  @ApiProperty({ enum: ['success', 'partial', 'unreachable', 'failed', 'simulated'] }) status!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'net export the plant reports after the dispatch' })
  export_kw!: number | null;
}

export class CycleTimingsDto {
  @ApiProperty({ description: 'prices, forecast and the MPC' }) build_time_ms!: number;
  @ApiProperty() solve_time_ms!: number;
  @ApiProperty() total_time_ms!: number;
}

export class CycleResultDto {
  @ApiProperty({ description: 'the dispatch succeeded (or was simulated)' }) success!: boolean;
  @ApiProperty({ description: 'seconds' }) elapsed_time!: number;
  @ApiProperty({ description: 'SOC the plan started from (0–1)' }) soc!: number;
  @ApiProperty() total_power!: number;
  @ApiProperty({ ...kwMap, description: 'kW per load, with cooling' }) allocation!: Record<string, number>;
  @ApiProperty({ ...kwMap, description: 'VCG payments ($/h)' }) revenue!: Record<string, number>;
  @ApiProperty({ type: PowerRequirementsDto }) power_requirements!: PowerRequirementsDto;
  @ApiProperty() constraints_satisfied!: boolean;
  @ApiProperty({ type: CycleDispatchDto }) dispatch!: CycleDispatchDto;
  @ApiProperty({ type: [String] }) notes!: string[];
  @ApiProperty({ type: CycleTimingsDto }) performance_metrics!: CycleTimingsDto;
}

export class CyclePerformanceDto {
  @ApiProperty() total_time_ms!: number;
  @ApiProperty() success!: boolean;
}

export class FullCycleResponseDto {
  @ApiProperty({ type: CycleResultDto }) cycle_result!: CycleResultDto;
  @ApiProperty({ type: CyclePerformanceDto }) performance_metrics!: CyclePerformanceDto;
  @ApiProperty() timestamp!: string;
}
