import { ApiProperty } from '@nestjs/swagger';
import { DEVICE_FAULTS, DEVICE_TYPES } from '@lib/contracts';
import type { DeviceFault, DeviceType } from '@lib/contracts';
import type { DeviceStatusView } from './device-status.service';

export class DeviceStatusDto implements DeviceStatusView {
  @ApiProperty({ example: 'bess-1' }) device_id!: string;
  @ApiProperty({ enum: DEVICE_TYPES, nullable: true }) device_type!: DeviceType | null;
  @ApiProperty({ example: 'iot-mock', description: 'the service the device belongs to' }) service!: string;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: 'online' | 'offline';
  @ApiProperty({ enum: ['device', 'service_offline'], nullable: true, description: 'why it is offline' })
  reason!: 'device' | 'service_offline' | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: DEVICE_FAULTS, nullable: true }) fault!: DeviceFault | null;
  @ApiProperty({ example: '2024-01-01T14:00:00.000Z' }) reported_at!: string;
  @ApiProperty({ type: String, nullable: true }) service_offline_since!: string | null;
}

export class ServicePresenceDto {
  @ApiProperty({ example: 'iot-mock' }) service!: string;
  @ApiProperty({ enum: ['online', 'offline'] }) status!: 'online' | 'offline';
}

export class DeviceStatusListDto {
  @ApiProperty({ type: [DeviceStatusDto] }) devices!: DeviceStatusDto[];
  @ApiProperty({ type: [ServicePresenceDto] }) services!: ServicePresenceDto[];
  @ApiProperty({ example: 'success' }) status!: string;
}
