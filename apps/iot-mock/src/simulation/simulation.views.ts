import { ApiProperty } from '@nestjs/swagger';
import { DEVICE_TYPES } from '@lib/contracts';

/** GET /api/v1/device-types item. */
export class DeviceTypeView {
  @ApiProperty({ enum: DEVICE_TYPES }) type!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'kW' }) default_base_power!: number;
  @ApiProperty({ description: 'V' }) default_voltage!: number;
  @ApiProperty({ enum: [1, 3] }) phases!: number;
  @ApiProperty({ description: 'its daily pattern, in words' }) pattern!: string;
}

/** GET /health (document 002). */
export class IotHealthView {
  @ApiProperty({ enum: ['healthy'] }) status!: 'healthy';
  @ApiProperty() mqtt_connected!: boolean;
  @ApiProperty() simulation_running!: boolean;
  @ApiProperty({ description: 'how many devices there are' }) devices!: number;
}
