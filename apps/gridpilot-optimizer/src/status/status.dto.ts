import { ApiProperty } from '@nestjs/swagger';
import { BatteryLinkDto } from '../dispatch/battery-link.dto';
import { LiveSystemMetricsDto } from '../live/live.dto';

export class BusStateDto {
  @ApiProperty({ enum: ['redis', 'mqtt', 'none'] }) transport!: string;
  @ApiProperty() connected!: boolean;
}

export class ApiConnectivityDto {
  @ApiProperty({ enum: ['operational', 'degraded'] }) overall_status!: string;
  @ApiProperty() prices_available!: boolean;
  @ApiProperty({ description: 'whether a plant (PLANT_URL) is configured' }) api_key_configured!: boolean;
  @ApiProperty({ example: 'simulated' }) price_source!: string;
  @ApiProperty({ type: String, nullable: true }) price_error!: string | null;
  @ApiProperty() plant_reachable!: boolean;
  @ApiProperty({ type: String, nullable: true }) plant_error!: string | null;
  @ApiProperty() database_connected!: boolean;
  @ApiProperty({ type: BusStateDto }) bus!: BusStateDto;
  @ApiProperty() mqtt_connected!: boolean;
}

export class StatusSystemMetricsDto extends LiveSystemMetricsDto {
  @ApiProperty({ type: String, nullable: true, description: 'when the current plan was made' })
  last_optimization_at!: string | null;
}

export class PerformanceSummaryDto {
  @ApiProperty({ description: '48 hours of prices are in' }) forecaster_ready!: boolean;
  @ApiProperty() last_data_update!: boolean;
  @ApiProperty({ type: String, nullable: true }) last_data_update_at!: string | null;
  @ApiProperty() websocket_clients!: number;
  @ApiProperty() uptime_seconds!: number;
  @ApiProperty() last_allocation_kw!: number;
}

export class ControlLoopStatusDto {
  @ApiProperty({ description: 'CONTROL_LOOP and a plant (PLANT_URL)' }) enabled!: boolean;
  @ApiProperty({ example: 5 }) period_s!: number;
  @ApiProperty() ticks!: number;
  @ApiProperty({ description: 'ticks that changed nothing (export inside the band, or nothing to change)' })
  holds!: number;
  @ApiProperty({ description: 'ticks that dispatched a new split' }) adjustments!: number;
}

export class DispatchCountsDto {
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'dispatches with a failed target' }) failed!: number;
  @ApiProperty({ type: String, nullable: true, enum: ['success', 'partial', 'unreachable', 'failed', 'simulated'] })
  last_status!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_at!: string | null;
}

export class StatusDto {
  @ApiProperty({ enum: ['operational', 'degraded'] }) status!: string;
  @ApiProperty({ example: '2026-12-04T10:05:00Z' }) timestamp!: string;
  @ApiProperty({ type: ApiConnectivityDto }) api_connectivity!: ApiConnectivityDto;
  @ApiProperty({ type: StatusSystemMetricsDto }) system_metrics!: StatusSystemMetricsDto;
  @ApiProperty({ type: PerformanceSummaryDto }) performance_summary!: PerformanceSummaryDto;
  @ApiProperty({ type: ControlLoopStatusDto }) control_loop!: ControlLoopStatusDto;
  @ApiProperty({ type: DispatchCountsDto }) dispatch!: DispatchCountsDto;
  @ApiProperty({ type: BatteryLinkDto }) battery!: BatteryLinkDto;
}
