import { ApiProperty } from '@nestjs/swagger';
import { DeviceDataMessage } from '@lib/contracts';

/** DELETE /api/v1/devices/{id}. */
export class DeviceDeletedView {
  @ApiProperty({ enum: ['deleted'] }) status!: 'deleted';
  @ApiProperty({ example: 'mock-hvac-001' }) device_id!: string;
}

/** POST /api/v1/devices/{id}/simulate: the reading made now, and whether it went out on the broker. */
export class SimulateView {
  @ApiProperty({ description: 'false: not sent (disabled, offline or an injected fault ate it)' }) published!: boolean;
  @ApiProperty({ type: DeviceDataMessage, nullable: true }) reading!: DeviceDataMessage | null;
}
