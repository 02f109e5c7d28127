import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ChargingProfile } from '@lib/ocpp';

/** The Smart Charging routes' answers (docs/openapi/ocpp-csms.json). */

export class ChargingSchedulePeriodDto {
  @ApiProperty({ example: 0, description: 'seconds from the schedule start' }) startPeriod!: number;
  @ApiProperty({ example: 11000 }) limit!: number;
  @ApiPropertyOptional({ example: 3 }) numberPhases?: number;
}

export class ChargingScheduleDto {
  @ApiPropertyOptional({ description: 'seconds' }) duration?: number;
  @ApiPropertyOptional() startSchedule?: string;
  @ApiProperty({ enum: ['W', 'A'] }) chargingRateUnit!: string;
  @ApiProperty({ type: [ChargingSchedulePeriodDto] }) chargingSchedulePeriod!: ChargingSchedulePeriodDto[];
  @ApiPropertyOptional() minChargingRate?: number;
}

/** OCPP 1.6 csChargingProfiles, as sent to the station. */
export class OcppChargingProfileDto {
  @ApiProperty({ example: 1001 }) chargingProfileId!: number;
  @ApiPropertyOptional() transactionId?: number;
  @ApiProperty() stackLevel!: number;
  @ApiProperty({ enum: ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'] }) chargingProfilePurpose!: string;
  @ApiProperty({ enum: ['Absolute', 'Recurring', 'Relative'] }) chargingProfileKind!: string;
  @ApiPropertyOptional({ enum: ['Daily', 'Weekly'] }) recurrencyKind?: string;
  @ApiPropertyOptional() validFrom?: string;
  @ApiPropertyOptional() validTo?: string;
  @ApiProperty({ type: ChargingScheduleDto }) chargingSchedule!: ChargingScheduleDto;
}

export class SmartChargingResultDto {
  @ApiProperty({ enum: ['success', 'rejected', 'error'] }) status!: 'success' | 'rejected' | 'error';
  @ApiProperty() station_id!: string;
  @ApiProperty({ example: 'Profile 1001 accepted by CP-001' }) message!: string;
}

/** POST /stations/{id}/charging_profile. */
export class SendProfileResultDto extends SmartChargingResultDto {
  @ApiProperty({ example: 1001 }) profile_id!: number;
}

/** POST /stations/{id}/test_profiles: the generated profile and the station's answer to it. */
export class TestProfileResultDto extends SendProfileResultDto {
  @ApiProperty({ enum: ['peak_shaving', 'time_of_use', 'energy_cap'] }) scenario!: string;
  @ApiProperty({ type: OcppChargingProfileDto }) profile!: ChargingProfile;
}

/** A composite schedule: the station's GetCompositeSchedule.conf, or the CSMS's own computation. */
export class CompositeScheduleDto {
  @ApiProperty() connectorId!: number;
  @ApiProperty() scheduleStart!: string;
  @ApiPropertyOptional({ description: 'seconds' }) duration?: number;
  @ApiPropertyOptional({ description: "the station's schedule start, when it says one" }) startSchedule?: string;
  @ApiProperty({ enum: ['W', 'A'] }) chargingRateUnit!: string;
  @ApiProperty({ type: [ChargingSchedulePeriodDto] }) chargingSchedulePeriod!: ChargingSchedulePeriodDto[];
  @ApiPropertyOptional() minChargingRate?: number;
}

/** GET /stations/{id}/composite_schedule. */
export class CompositeScheduleResultDto extends SmartChargingResultDto {
  @ApiProperty({ enum: ['station', 'csms'] }) source!: string;
  @ApiProperty({ type: CompositeScheduleDto, nullable: true, description: 'null when the station refused' })
  schedule!: object | null;
}

/** The ClearChargingProfile.req filters that were sent. */
export class ClearProfileFiltersDto {
  @ApiPropertyOptional() id?: number;
  @ApiPropertyOptional() connectorId?: number;
  @ApiPropertyOptional({ enum: ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'] })
  chargingProfilePurpose?: string;
  @ApiPropertyOptional() stackLevel?: number;
}

/** DELETE /stations/{id}/charging_profile. */
export class ClearProfileResultDto extends SmartChargingResultDto {
  @ApiProperty({ type: ClearProfileFiltersDto }) filters!: object;
}
