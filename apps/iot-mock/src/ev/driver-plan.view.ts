import { ApiProperty } from '@nestjs/swagger';
import type { PlannedSession } from './arrivals';

/** One car's visit to a charger. */
export class DriverSessionView {
  @ApiProperty({ enum: ['workplace', 'home', 'demo'] }) kind!: PlannedSession['kind'];
  @ApiProperty({ example: '2026-12-04T08:30:00.000Z' }) arrive_at!: string;
  @ApiProperty({ example: '2026-12-04T17:10:00.000Z' }) depart_at!: string;
  @ApiProperty({ description: 'state of charge on arrival (%)' }) soc_pct!: number;
  @ApiProperty() capacity_kwh!: number;
  @ApiProperty() max_current_a!: number;
  @ApiProperty({ enum: [1, 3] }) phases!: 1 | 3;
  @ApiProperty({ example: 'EV-0001' }) id_tag!: string;
  /** The driver's car is at the charger now. */
  @ApiProperty({ description: "the driver's car is at the charger now" }) plugged_in!: boolean;
}

/** A charger's simulated drivers as the REST API shows them (GET /api/v1/devices/{id}/drivers). */
export class DriverPlanView {
  @ApiProperty({ example: 'charger-1' }) device_id!: string;
  /** False when the charger's id does not match EV_DRIVERS. */
  @ApiProperty({ description: "false when the charger's id does not match EV_DRIVERS" }) enabled!: boolean;
  @ApiProperty({ example: 'Europe/Lisbon' }) time_zone!: string;
  @ApiProperty() seed!: number;
  @ApiProperty({ type: [DriverSessionView] }) sessions!: DriverSessionView[];
}
