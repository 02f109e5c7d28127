import { ApiProperty } from '@nestjs/swagger';

/** The figures of the last optimization that the live message and the status share. */
export class LiveSystemMetricsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'seconds the last optimization took' })
  last_optimization_time!: number | null;
  @ApiProperty() total_allocation_kw!: number;
  @ApiProperty({ type: Boolean, nullable: true }) constraints_satisfied!: boolean | null;
  @ApiProperty({ description: 'seconds since the app started' }) uptime!: number;
}

export class LivePricesDto {
  @ApiProperty({ type: Number, nullable: true, description: 'energy price ($/MWh)' }) current!: number | null;
  @ApiProperty({ enum: ['rising', 'falling', 'stable', 'unknown'] }) trend!: string;
}

export class LiveInventoryDto {
  @ApiProperty() power_available!: number;
  @ApiProperty({ description: '0–1' }) battery_soc!: number;
}

/** Document 003's WebSocket message (`/ws/live-data`). */
export class LiveMessageDto {
  @ApiProperty() timestamp!: string;
  @ApiProperty({ type: LivePricesDto }) prices!: LivePricesDto;
  @ApiProperty({ type: LiveInventoryDto }) inventory!: LiveInventoryDto;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) allocation!: Record<string, number>;
  @ApiProperty({ type: LiveSystemMetricsDto }) system_metrics!: LiveSystemMetricsDto;
}
