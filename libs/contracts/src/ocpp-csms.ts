import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { CHARGE_POINT_STATUSES, type ChargePointStatus } from './stations';

export class SendChargingProfileDto {
  @ApiProperty({ example: 1, description: '0 for the whole station' })
  @Max(100)
  @Min(0)
  @IsInt()
  connector_id!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'OCPP 1.6 csChargingProfiles; checked against the 1.6 schema before it is sent',
    example: {
      chargingProfileId: 100,
      stackLevel: 0,
      chargingProfilePurpose: 'ChargePointMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 22000 }] },
    },
  })
  @IsObject()
  profile!: Record<string, unknown>;
}

export class CompositeScheduleQueryDto {
  @ApiProperty({ example: 1 })
  @Type(() => Number)
  @Max(100)
  @Min(0)
  @IsInt()
  connector_id!: number;

  @ApiProperty({ example: 3600, description: 'seconds' })
  @Type(() => Number)
  @Max(7 * 86_400)
  @Min(1)
  @IsInt()
  duration!: number;

  @ApiPropertyOptional({ enum: ['W', 'A'], default: 'W' })
  @IsOptional()
  @IsIn(['W', 'A'])
  charging_rate_unit?: 'W' | 'A';

  @ApiPropertyOptional({
    enum: ['station', 'csms'],
    default: 'station',
    description: 'csms: computed from the profiles the CSMS sent',
  })
  @IsOptional()
  @IsIn(['station', 'csms'])
  source?: 'station' | 'csms';
}

export class ClearProfileQueryDto {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() profile_id?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @Min(0) @IsInt() connector_id?: number;

  @ApiPropertyOptional({ enum: ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'] })
  @IsOptional()
  @IsIn(['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'])
  purpose?: 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';

  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @Min(0) @IsInt() stack_level?: number;
}

export const TEST_SCENARIOS = ['peak_shaving', 'time_of_use', 'energy_cap'] as const;

/** The scenario is checked by the service so that an unknown one is a 400, as the document says. */
export class TestProfileDto {
  @ApiProperty({ enum: TEST_SCENARIOS, example: 'peak_shaving' }) @IsString() scenario!: string;
  @ApiPropertyOptional({ example: 1, default: 0 }) @IsOptional() @Min(0) @IsInt() connector_id?: number;
  @ApiPropertyOptional({ example: 11000 }) @IsOptional() @Min(0) @IsNumber() max_power_w?: number;
  @ApiPropertyOptional({ example: 11000 }) @IsOptional() @Min(0) @IsNumber() off_peak_w?: number;
  @ApiPropertyOptional({ example: 7000 }) @IsOptional() @Min(0) @IsNumber() peak_w?: number;
  @ApiPropertyOptional({ example: 9 }) @IsOptional() @Max(24) @Min(0) @IsInt() peak_start_hour?: number;
  @ApiPropertyOptional({ example: 17 }) @IsOptional() @Max(24) @Min(0) @IsInt() peak_end_hour?: number;
  @ApiPropertyOptional({ example: 5678 }) @IsOptional() @IsInt() transaction_id?: number;
  @ApiPropertyOptional({ example: 25000 }) @IsOptional() @Min(0) @IsNumber() max_energy_wh?: number;
  @ApiPropertyOptional({ example: 7200 }) @IsOptional() @Min(1) @IsInt() duration_seconds?: number;
  @ApiPropertyOptional({ example: 11000 }) @IsOptional() @Min(0) @IsNumber() power_limit_w?: number;
}

export class RegisterStationDto {
  @ApiPropertyOptional({ description: 'Basic-auth password (security profile 1); stored hashed' })
  @IsOptional()
  @Length(16, 40)
  @IsString()
  password?: string;

  @ApiPropertyOptional({ example: 22080 }) @IsOptional() @Max(1_000_000) @Min(1000) @IsInt() max_power_w?: number;
}

export class StationPasswordDto {
  @ApiProperty({ description: 'the new Basic-auth password (security profile 1), 16-40 characters; stored hashed' })
  @Length(16, 40)
  @IsString()
  password!: string;

  @ApiPropertyOptional({
    default: true,
    description:
      'when the station is connected, send it the new password first (ChangeConfiguration AuthorizationKey) and keep the old one if it refuses',
  })
  @IsOptional()
  @IsBoolean()
  notify_station?: boolean;
}

export class IdTagDto {
  @ApiProperty({ enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] })
  @IsIn(['Accepted', 'Blocked', 'Expired', 'Invalid'])
  status!: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @Matches(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, {
    message: 'Input should be an ISO-8601 date-time',
  })
  expiry_date?: string;
}

export class RemoteStartDto {
  @ApiProperty({ example: 'TAG-001' }) @Length(1, 20) @IsString() id_tag!: string;
  @ApiPropertyOptional({ example: 1 }) @IsOptional() @Min(1) @IsInt() connector_id?: number;
}

export class RemoteStopDto {
  @ApiProperty({ example: 1 }) @IsInt() transaction_id!: number;
}

export class ResetDto {
  @ApiProperty({ enum: ['Hard', 'Soft'] }) @IsIn(['Hard', 'Soft']) type!: 'Hard' | 'Soft';
}

export class ChangeConfigurationDto {
  @ApiProperty({ example: 'HeartbeatInterval' }) @Length(1, 50) @IsString() key!: string;
  @ApiProperty({ example: '60' }) @Length(0, 500) @IsString() value!: string;
}

/** The site's charging limit, shared fairly among active transactions. Also the bus payload of BUS_PATTERNS.siteChargingLimit. */
export class SiteChargingLimitDto {
  @ApiProperty({ type: Number, nullable: true, example: 50000, description: 'null lifts the limit' })
  @IsOptional()
  @Max(100_000_000)
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  limit!: number | null;

  @ApiPropertyOptional({ enum: ['W', 'A'], default: 'W', description: 'A is per phase, three phases at 230 V' })
  @IsOptional()
  @IsIn(['W', 'A'])
  unit?: 'W' | 'A';
}

export type SiteProfilePurpose = 'TxProfile' | 'ChargePointMaxProfile' | 'TxDefaultProfile';

/** One open session in the site plan. */
export class SiteAllocationDto {
  @ApiProperty() station_id!: string;
  @ApiProperty() connector_id!: number;
  @ApiProperty() transaction_id!: number;
  @ApiProperty({ description: 'The share (W) the session is meant to draw; what an uncontrolled one is measured at' })
  limit_w!: number;
  @ApiProperty({
    enum: ['TxProfile', 'ChargePointMaxProfile', 'TxDefaultProfile'],
    nullable: true,
    description: 'How the share reached the station',
  })
  sent_as!: SiteProfilePurpose | null;
  @ApiProperty({
    enum: ['pending', 'applied', 'rejected', 'error', 'uncontrolled', 'disconnected'],
    description:
      'pending: sent, no answer yet; applied: accepted; rejected/error: the last send failed (retried); ' +
      'uncontrolled: the station takes no profile, its draw is measured; disconnected: not connected, its last draw counted',
  })
  status!: 'pending' | 'applied' | 'rejected' | 'error' | 'uncontrolled' | 'disconnected';
  @ApiProperty({
    enum: ['charging', 'idle', 'not_charging'],
    description:
      'idle: has drawn nothing for SITE_IDLE_AFTER_S; not_charging: the connector reports it is not charging',
  })
  state!: 'charging' | 'idle' | 'not_charging';
  @ApiProperty({ type: Number, nullable: true, description: 'Latest measured power (W)' })
  measured_w!: number | null;
  @ApiPropertyOptional() message?: string;
}

/** How the site limit reaches one station. */
export class SiteStationControlDto {
  @ApiProperty() station_id!: string;
  @ApiProperty({ description: 'false: accepts no profile (no SmartCharging, refused, CALLERROR, timed out)' })
  controllable!: boolean;
  @ApiProperty({
    enum: ['TxProfile', 'ChargePointMaxProfile', 'TxDefaultProfile'],
    nullable: true,
    description: 'The profile purpose it accepted last',
  })
  mode!: SiteProfilePurpose | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When profiles are tried again (ISO-8601)' })
  retry_at!: string | null;
}

/** A site profile whose every attempt failed (timed out, station unreachable). */
export class SiteFailedSendDto {
  @ApiProperty() station_id!: string;
  @ApiProperty() connector_id!: number;
  @ApiProperty({ nullable: true, type: Number }) transaction_id!: number | null;
  @ApiProperty({ enum: ['TxProfile', 'ChargePointMaxProfile', 'TxDefaultProfile'] }) purpose!: SiteProfilePurpose;
  @ApiProperty({ description: 'Attempts made (SITE_SEND_ATTEMPTS at most)' }) attempts!: number;
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'When the last attempt failed (ISO-8601)' }) at!: string;
}

/** The site charging limit, the plan that shares it and how each station took it. */
export class SiteChargingPlanDto {
  @ApiProperty({
    enum: ['leader', 'follower'],
    description: 'Of the replica that answered: the leader runs the plan; a follower shows the leader’s',
  })
  role!: 'leader' | 'follower';
  @ApiProperty({ nullable: true, type: String, description: 'The replica holding the leader lease' })
  leader_id!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Fencing token of the lease the plan was made under: larger with each new leader',
  })
  fencing_token!: number | null;
  @ApiProperty({
    type: [SiteFailedSendDto],
    description: 'The latest sends that failed after every retry (at most 20)',
  })
  failed_sends!: SiteFailedSendDto[];
  @ApiProperty({ type: Number, nullable: true }) limit!: number | null;
  @ApiProperty({ enum: ['W', 'A'] }) unit!: 'W' | 'A';
  @ApiProperty({ type: Number, nullable: true }) limit_w!: number | null;
  @ApiProperty({ description: 'Measured draw of the loads the CSMS cannot steer, with the safety margin (W)' })
  uncontrolled_w!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'What is shared among steerable sessions: limit − uncontrolled (W)',
  })
  budget_w!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the plan was made (ISO-8601)' })
  planned_at!: string | null;
  @ApiProperty({ type: [SiteAllocationDto] }) allocations!: SiteAllocationDto[];
  @ApiProperty({ type: [SiteStationControlDto] }) stations!: SiteStationControlDto[];
}

/** One profile the CSMS sent a station and still counts as installed. */
export class InstalledProfileDto {
  @ApiProperty({ example: 1 }) connector_id!: number;
  @ApiProperty({ example: 900001 }) charging_profile_id!: number;
  @ApiProperty({ enum: ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'] }) purpose!: string;
  @ApiProperty({ example: 8 }) stack_level!: number;
  @ApiProperty({ nullable: true, type: Number }) transaction_id!: number | null;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z', description: 'when the station accepted it' }) sent_at!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the OCPP 1.6 csChargingProfiles as sent' })
  profile!: Record<string, unknown>;
}

/** GET /stations/{id}/charging_profiles: what the CSMS knows is installed (OCPP 1.6 cannot ask a station). */
export class ChargingProfilesDto {
  @ApiProperty() station_id!: string;
  @ApiProperty({ type: [InstalledProfileDto] }) profiles!: InstalledProfileDto[];
}

/** GET /stations' orders: by id, by status (faulted first, not connected last), by power drawn; `-` for descending. */
export const STATION_SORTS = ['id', '-id', 'status', '-status', 'power', '-power'] as const;
export type StationSort = (typeof STATION_SORTS)[number];

/** GET /stations: every station, or a page of those matching (the total in `X-Total-Count`). */
export class StationsQueryDto {
  @ApiPropertyOptional({
    description:
      "part of the station id, of the id tag of one of its open sessions, or of a connector's current status (as the answering replica knows it), any case",
  })
  @IsOptional()
  @Length(1, 64)
  @IsString()
  q?: string;

  @ApiPropertyOptional({
    enum: CHARGE_POINT_STATUSES,
    description:
      'only the connected stations with a connector (or the charge point, connector 0) in this OCPP 1.6 status now, as the answering replica knows it',
  })
  @IsOptional()
  @IsIn(CHARGE_POINT_STATUSES)
  status?: ChargePointStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only the stations connected (or not)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  connected?: 'true' | 'false';

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @Min(0)
  @IsInt()
  offset?: number;

  @ApiPropertyOptional({ description: 'at most this many (1–1000); all when left out' })
  @IsOptional()
  @Type(() => Number)
  @Max(1000)
  @Min(1)
  @IsInt()
  limit?: number;

  @ApiPropertyOptional({
    enum: STATION_SORTS,
    default: 'id',
    description:
      'the order of the list: id; status (faulted, charging, suspended, preparing/finishing, reserved, unavailable, available, unknown, then not connected); power (what its connectors draw now, by their latest meter values); a leading - reverses it. Ties in id order',
  })
  @IsOptional()
  @IsIn(STATION_SORTS)
  sort?: StationSort;
}
