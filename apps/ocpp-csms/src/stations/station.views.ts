import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHARGE_POINT_STATUSES, SiteStationControlDto } from '@lib/contracts';

/** The REST answers of the stations routes: what the console and other clients read (docs/openapi/ocpp-csms.json). */

/** GET /stations item: a known station and whether it is connected. */
export class StationViewDto {
  @ApiProperty({ example: 'CP-001' }) station_id!: string;
  @ApiProperty({ description: 'has a live OCPP connection (to any replica)' }) connected!: boolean;
  @ApiProperty({ description: 'registered by an admin (PUT /stations/{id}), not only seen' }) registered!: boolean;
  @ApiProperty({ type: String, nullable: true }) vendor!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: String, nullable: true }) serial_number!: string | null;
  @ApiProperty({ type: String, nullable: true }) firmware_version!: string | null;
  @ApiProperty({ type: [String], nullable: true, example: ['Core', 'SmartCharging'] })
  feature_profiles!: string[] | null;
  @ApiProperty({ example: 2 }) number_of_connectors!: number;
  @ApiProperty({ type: Number, nullable: true, example: 22080 }) max_power_w!: number | null;
  @ApiProperty({ description: 'has a Basic-auth password (security profile 1)' }) basic_auth!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'last BootNotification (ISO-8601)' })
  last_boot_at!: string | null;
}

/** One sampled value of a MeterValues message. */
export class MeterValueDto {
  @ApiProperty({ example: 'Power.Active.Import' }) measurand!: string;
  @ApiProperty({ example: 7200 }) value!: number;
  @ApiProperty({ type: String, nullable: true, example: 'W' }) unit!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'L1' }) phase!: string | null;
  @ApiProperty({ example: 'Sample.Periodic' }) context!: string;
}

/** A connector's latest MeterValues. */
export class LatestMeterDto {
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) timestamp!: string;
  @ApiProperty({ type: [MeterValueDto] }) values!: MeterValueDto[];
}

export class ConnectorViewDto {
  @ApiProperty({ example: 1 }) connector_id!: number;
  @ApiProperty({ enum: CHARGE_POINT_STATUSES, nullable: true, description: 'last StatusNotification' })
  status!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'NoError' }) error_code!: string | null;
  @ApiProperty({ type: String, nullable: true }) updated_at!: string | null;
  @ApiProperty({ type: Number, nullable: true }) active_transaction_id!: number | null;
  @ApiProperty({ type: LatestMeterDto, nullable: true }) latest_meter!: LatestMeterDto | null;
}

/** GET /stations/{id}: the station with its connectors and how the site limit reaches it. */
export class StationDetailDto extends StationViewDto {
  @ApiProperty({ type: [ConnectorViewDto] }) connectors!: ConnectorViewDto[];
  @ApiProperty({ type: SiteStationControlDto }) site_control!: SiteStationControlDto;
}

export class OcppLogEntryDto {
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) timestamp!: string;
  @ApiProperty({ enum: ['in', 'out'] }) direction!: 'in' | 'out';
  @ApiProperty({ description: 'the OCPP-J frame as sent, cut at 4,096 characters' }) message!: string;
}

/** GET /stations/{id}/logs. */
export class StationLogsDto {
  @ApiProperty() station_id!: string;
  @ApiProperty({ type: [OcppLogEntryDto], description: 'oldest first' }) logs!: OcppLogEntryDto[];
}

/** A station's answer to an OCPP command (RemoteStart/StopTransaction, Reset, ChangeConfiguration). */
export class StationAnswerDto {
  @ApiProperty({ enum: ['Accepted', 'Rejected', 'RebootRequired', 'NotSupported'] }) status!: string;
}

export class StationCommandAnswerDto extends StationAnswerDto {
  @ApiProperty() station_id!: string;
}

export class ConfigurationKeyDto {
  @ApiProperty({ example: 'HeartbeatInterval' }) key!: string;
  @ApiProperty() readonly!: boolean;
  @ApiPropertyOptional({ example: '60' }) value?: string;
}

/** GET /stations/{id}/configuration: GetConfiguration.conf of the station. */
export class StationConfigurationDto {
  @ApiProperty() station_id!: string;
  @ApiPropertyOptional({ type: [ConfigurationKeyDto] }) configurationKey?: ConfigurationKeyDto[];
  @ApiPropertyOptional({ type: [String], description: 'keys asked for that the station does not know' })
  unknownKey?: string[];
}

/** PUT /stations/{id}/password. */
export class StationPasswordAnswerDto {
  @ApiProperty() station_id!: string;
  @ApiProperty({ description: 'false: the station refused the new AuthorizationKey, the old password stays' })
  password_changed!: boolean;
  @ApiProperty({ type: StationAnswerDto, nullable: true, description: 'null when the station was not told' })
  station_answer!: StationAnswerDto | null;
}

/** PUT /id_tags/{idTag}. */
export class IdTagViewDto {
  @ApiProperty({ example: 'TAG-001' }) id_tag!: string;
  @ApiProperty({ enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) expiry_date!: string | null;
}
