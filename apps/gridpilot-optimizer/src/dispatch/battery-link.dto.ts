import { ApiProperty } from '@nestjs/swagger';
import { BESS_SET_POINT_STATUSES, BessSetPointStatus } from '@lib/contracts';

/** The BESS as the planner sees it (BatteryLinkService.view), under `battery` in the status. */
export class BatteryLinkDto {
  @ApiProperty({ type: String, nullable: true, description: 'BESS_DEVICE_ID' }) device_id!: string | null;
  @ApiProperty({ enum: ['not_configured', 'unknown', 'available', 'refused', 'timeout', 'offline'] }) state!: string;
  @ApiProperty() available!: boolean;
  @ApiProperty({ description: 'the plans give the battery 0 kW until it answers again' }) planned_around!: boolean;
  @ApiProperty({ description: 'since when the state holds' }) since!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'the last set-point sent (kW, + discharge)' })
  last_setpoint_kw!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'what the BESS applied (kW, + discharge)' })
  applied_kw!: number | null;
  @ApiProperty({ type: String, enum: BESS_SET_POINT_STATUSES, nullable: true })
  last_result!: BessSetPointStatus | null;
  @ApiProperty({ type: String, nullable: true }) last_reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_error!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_ack_at!: string | null;
  @ApiProperty({ example: 'power_kw > 0 discharges, < 0 charges' }) sign!: string;
  @ApiProperty() setpoints_sent!: number;
  @ApiProperty() setpoints_failed!: number;
}
