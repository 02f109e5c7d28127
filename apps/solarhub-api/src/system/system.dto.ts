import { ApiProperty } from '@nestjs/swagger';
import { NULLABLE_NUMBER, SUCCESS, TIMESTAMP } from '../common/responses';

export class OverviewGenerationDto {
  @ApiProperty({ description: 'kW' }) power_kw!: number;
  @ApiProperty() daily_yield_kwh!: number;
  @ApiProperty() inverters_online!: number;
  @ApiProperty() inverter_count!: number;
}

export class OverviewBessDto {
  @ApiProperty({ description: 'kW, discharge positive' }) power_kw!: number;
  @ApiProperty() capacity_kwh!: number;
  @ApiProperty({ ...NULLABLE_NUMBER, description: 'capacity-weighted %' }) soc_pct!: number | null;
  @ApiProperty() units_online!: number;
  @ApiProperty() unit_count!: number;
}

export class OverviewPcsDto {
  @ApiProperty({ description: 'kW' }) power_kw!: number;
  @ApiProperty() units_online!: number;
  @ApiProperty() unit_count!: number;
}

export class OverviewGridDto {
  @ApiProperty({ description: 'kW, the meters but the auxiliary one' }) power_kw!: number;
  @ApiProperty({ ...NULLABLE_NUMBER, description: 'Hz' }) frequency!: number | null;
}

export class AlertCountsDto {
  @ApiProperty() protection!: number;
  @ApiProperty() warning!: number;
  @ApiProperty() fault!: number;
}

export class OverviewDto {
  @ApiProperty(TIMESTAMP) timestamp!: string;
  @ApiProperty({ type: OverviewGenerationDto }) generation!: OverviewGenerationDto;
  @ApiProperty({ type: OverviewBessDto }) bess!: OverviewBessDto;
  @ApiProperty({ type: OverviewPcsDto }) pcs!: OverviewPcsDto;
  @ApiProperty({ type: OverviewGridDto }) grid!: OverviewGridDto;
  @ApiProperty(NULLABLE_NUMBER) aux_power_kw!: number | null;
  @ApiProperty({ type: AlertCountsDto, description: 'active alerts per level' }) alerts!: AlertCountsDto;
  @ApiProperty(SUCCESS) status!: string;
}

export class TopologyNodeDto {
  @ApiProperty({ example: 'main_mysql' }) id!: string;
  @ApiProperty({ example: 'Main MySQL' }) name!: string;
  @ApiProperty({ enum: ['server', 'database', 'redis', 'broker'] }) type!: string;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: string;
}

export class TopologyLinkDto {
  @ApiProperty({ example: 'main_server' }) source!: string;
  @ApiProperty({ example: 'main_mysql' }) target!: string;
  @ApiProperty({ enum: ['connected', 'disconnected'] }) status!: string;
}

export class TopologyDto {
  @ApiProperty({ type: [TopologyNodeDto] }) nodes!: Record<string, string | number>[];
  @ApiProperty({ type: [TopologyLinkDto] }) links!: TopologyLinkDto[];
  @ApiProperty(TIMESTAMP) timestamp!: string;
}
