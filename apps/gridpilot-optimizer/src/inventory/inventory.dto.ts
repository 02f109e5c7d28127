import { ApiProperty } from '@nestjs/swagger';

export class SitePowerDto {
  @ApiProperty({ description: 'SITE_POWER_KW' }) total_kw!: number;
  @ApiProperty() available_kw!: number;
  @ApiProperty({ description: 'what the site draws (the last dispatch, else the plant)' }) used_kw!: number;
  @ApiProperty() utilization!: number;
}

export class InventoryBatteryDto {
  @ApiProperty({ description: '0–1' }) soc!: number;
  @ApiProperty() capacity_mwh!: number;
  @ApiProperty() max_power_kw!: number;
  @ApiProperty({ enum: ['telemetry', 'estimate'] }) source!: string;
}

export class ComputeDto {
  @ApiProperty({ description: 'allocated over the most the cooled loads can take' }) utilization!: number;
  @ApiProperty() cooling_load_kw!: number;
}

export class GenerationDto {
  @ApiProperty() generation_kw!: number;
  @ApiProperty() consumption_kw!: number;
  @ApiProperty() exported_kw!: number;
  @ApiProperty() timestamp!: string;
}

export class EvStationLoadDto {
  @ApiProperty() station_id!: string;
  @ApiProperty() charging_kw!: number;
  @ApiProperty() sessions!: number;
}

export class EvLoadDto {
  @ApiProperty({ example: 'ocpp-csms' }) source!: string;
  @ApiProperty() charging_kw!: number;
  @ApiProperty({ description: 'what the site charging limit can take away' }) flexible_kw!: number;
  @ApiProperty({ description: 'stations connected and reporting' }) chargers!: number;
  @ApiProperty() sessions!: number;
  @ApiProperty({ type: [EvStationLoadDto] }) stations!: EvStationLoadDto[];
}

export class DeviceLoadDto {
  @ApiProperty() reporting!: number;
  @ApiProperty() unsteered_load_kw!: number;
  @ApiProperty({ description: 'of the DISPATCH_DEVICES' }) steered_load_kw!: number;
}

export class OperationalDto {
  @ApiProperty({ type: Number, nullable: true }) temperature!: number | null;
  @ApiProperty({ description: 'round-trip battery efficiency' }) efficiency!: number;
  @ApiProperty({ enum: ['operational', 'degraded'] }) status!: string;
  @ApiProperty({ type: [String] }) alerts!: string[];
}

export class InventoryDto {
  @ApiProperty({ type: SitePowerDto }) power!: SitePowerDto;
  @ApiProperty({ type: InventoryBatteryDto }) battery!: InventoryBatteryDto;
  @ApiProperty({ type: ComputeDto }) gpu!: ComputeDto;
  @ApiProperty({ type: GenerationDto, nullable: true, description: 'null without a plant' })
  generation!: GenerationDto | null;
  @ApiProperty({ type: EvLoadDto }) ev!: EvLoadDto;
  @ApiProperty({ type: DeviceLoadDto }) devices!: DeviceLoadDto;
  @ApiProperty({ type: OperationalDto }) operational!: OperationalDto;
  @ApiProperty() timestamp!: string;
}
