import {
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ChangeConfigurationDto,
  IdTagDto,
  RegisterStationDto,
  StationPasswordDto,
  RemoteStartDto,
  RemoteStopDto,
  ResetDto,
  StationsQueryDto,
  type StationSort,
} from '@lib/contracts';
import type { FastifyReply } from 'fastify';
import { BodyLimit, COMMAND_BODY_LIMIT_BYTES } from '@lib/observability';
import { CentralSystemService } from '../ocpp/central-system.service';
import { OcppLogService } from '../ocpp/ocpp-log.service';
import { SiteLoadService } from '../site/site-load.service';
import { StationEntity } from '../persistence/entities';
import { TransactionsService } from '../transactions/transactions.service';
import {
  IdTagViewDto,
  StationAnswerDto,
  StationCommandAnswerDto,
  StationConfigurationDto,
  StationDetailDto,
  StationLogsDto,
  StationPasswordAnswerDto,
  StationViewDto,
} from './station.views';
import { powerW } from '../transactions/meter-readings';
import { orderStations } from './station-order';
import { StationsService } from './stations.service';
import { StationState, StationStates } from './station-states';
import { RequireRole } from '@lib/auth';

@ApiTags('stations')
@RequireRole('viewer')
@Controller()
export class StationsController {
  constructor(
    private readonly stations: StationsService,
    private readonly central: CentralSystemService,
    private readonly transactions: TransactionsService,
    private readonly logs: OcppLogService,
    private readonly site: SiteLoadService,
    private readonly states: StationStates,
  ) {}

  private view(s: StationEntity, connected: boolean): StationViewDto {
    return {
      station_id: s.id,
      connected,
      registered: s.registered,
      vendor: s.vendor,
      model: s.model,
      serial_number: s.serialNumber,
      firmware_version: s.firmwareVersion,
      feature_profiles: s.featureProfiles?.split(',').map((f) => f.trim()) ?? null,
      number_of_connectors: s.numberOfConnectors,
      max_power_w: s.maxPowerW,
      basic_auth: s.passwordHash !== null,
      last_boot_at: s.lastBootAt?.toISOString() ?? null,
    };
  }

  @Get('stations')
  @ApiOperation({
    summary:
      "Known stations and whether they are connected; with q (id, open session's id tag, status), status, connected, sort, offset and limit a page of those matching (the total in X-Total-Count)",
  })
  @ApiOkResponse({ type: [StationViewDto] })
  async list(
    @Query() query: StationsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StationViewDto[]> {
    // Status words in q, the status filter and the status/power orders ask the replicas holding
    // the stations (StationStates): every replica answers with the whole site.
    const byStatus = query.q ? await this.states.withStatusLike(query.q) : [];
    const sort = query.sort ?? 'id';
    if (query.connected === undefined && query.status === undefined && sort === 'id' && query.limit !== undefined) {
      // The common read (the console's pages in id order): the database pages, nothing else is read.
      const { stations, total } = await this.stations.matching(query.q, byStatus, {
        offset: query.offset ?? 0,
        limit: query.limit,
      });
      const connected = await this.central.connectedAmong(stations.map((s) => s.id));
      void reply.header('x-total-count', String(total));
      return stations.map((s) => this.view(s, connected.has(s.id)));
    }
    const { stations: all } = await this.stations.matching(query.q, byStatus);
    const connected = await this.central.connectedAmong(all.map((s) => s.id));
    const status = query.status;
    const states =
      status !== undefined || sort !== 'id'
        ? await this.states.of(all.filter((s) => connected.has(s.id)).map((s) => s.id))
        : new Map<string, StationState>();
    const matching = all.filter(
      (s) =>
        (query.connected === undefined || connected.has(s.id) === (query.connected === 'true')) &&
        (status === undefined || (states.get(s.id)?.connectors.some((c) => c.status === status) ?? false)),
    );
    const wanted = sort === 'id' ? matching : this.ordered(matching, connected, states, sort);
    void reply.header('x-total-count', String(wanted.length));
    const offset = query.offset ?? 0;
    const page = wanted.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    return page.map((s) => this.view(s, connected.has(s.id)));
  }

  /** The list in another order than the database's (by id): by what the stations told the replicas holding them. */
  private ordered(
    stations: StationEntity[],
    connected: Set<string>,
    known: Map<string, StationState>,
    sort: StationSort,
  ): StationEntity[] {
    const facts = stations.map((station) => {
      const state = known.get(station.id);
      const powers = Object.values(state?.meters ?? {})
        .map((m) => powerW(m.values))
        .filter((w): w is number => w !== null);
      return {
        station,
        id: station.id,
        connected: connected.has(station.id),
        statuses: (state?.connectors ?? []).map((c) => c.status),
        powerW: powers.length ? powers.reduce((a, b) => a + b, 0) : null,
      };
    });
    return orderStations(facts, sort).map((f) => f.station);
  }

  @Get('stations/:id')
  @ApiOperation({ summary: 'A station with its connectors: status, latest meter values, active transaction' })
  @ApiOkResponse({ type: StationDetailDto })
  @ApiResponse({ status: 404, description: 'Unknown station' })
  async get(@Param('id') id: string): Promise<StationDetailDto> {
    const station = await this.stations.get(id);
    const active = await this.transactions.active(id);
    const known = (await this.states.of([id])).get(id);
    const states = known?.connectors ?? [];
    const ids = new Set([
      ...states.map((c) => c.connectorId),
      ...Array.from({ length: station.numberOfConnectors }, (_, i) => i + 1),
    ]);
    const connectors = [...ids]
      .sort((a, b) => a - b)
      .map((connectorId) => {
        const state = states.find((c) => c.connectorId === connectorId);
        return {
          connector_id: connectorId,
          status: state?.status ?? null,
          error_code: state?.errorCode ?? null,
          updated_at: state?.updatedAt ?? null,
          active_transaction_id: active.find((t) => t.connectorId === connectorId)?.id ?? null,
          latest_meter: known?.meters[connectorId] ?? null,
        };
      });
    return {
      ...this.view(station, await this.central.isConnected(id)),
      connectors,
      site_control: this.site.stationControl(id),
    };
  }

  @Put('stations/:id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Register a station, or update its Basic-auth password and maximum power' })
  @ApiOkResponse({ type: StationViewDto })
  async register(@Param('id') id: string, @Body() dto: RegisterStationDto): Promise<StationViewDto> {
    const station = await this.stations.register(id, { password: dto.password, maxPowerW: dto.max_power_w });
    return this.view(station, await this.central.isConnected(id));
  }

  @Get('stations/:id/logs')
  @ApiOperation({ summary: "Recent OCPP traffic of the station (this replica's view)" })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiOkResponse({ type: StationLogsDto })
  async stationLogs(
    @Param('id') id: string,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
  ): Promise<StationLogsDto> {
    await this.stations.get(id);
    return { station_id: id, logs: this.logs.recent(id, Math.min(Math.max(limit, 1), 1000)) };
  }

  @Post('stations/:id/remote_start')
  @RequireRole('operator')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'RemoteStartTransaction' })
  @ApiOkResponse({ type: StationCommandAnswerDto })
  async remoteStart(@Param('id') id: string, @Body() dto: RemoteStartDto): Promise<StationCommandAnswerDto> {
    const answer = await this.central.call<StationAnswerDto>(id, 'RemoteStartTransaction', {
      idTag: dto.id_tag,
      ...(dto.connector_id !== undefined && { connectorId: dto.connector_id }),
    });
    return { station_id: id, ...answer };
  }

  @Post('stations/:id/remote_stop')
  @RequireRole('operator')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'RemoteStopTransaction' })
  @ApiOkResponse({ type: StationCommandAnswerDto })
  async remoteStop(@Param('id') id: string, @Body() dto: RemoteStopDto): Promise<StationCommandAnswerDto> {
    return {
      station_id: id,
      ...(await this.central.call<StationAnswerDto>(id, 'RemoteStopTransaction', {
        transactionId: dto.transaction_id,
      })),
    };
  }

  @Post('stations/:id/reset')
  @RequireRole('admin')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Reset (Hard or Soft)' })
  @ApiOkResponse({ type: StationCommandAnswerDto })
  async reset(@Param('id') id: string, @Body() dto: ResetDto): Promise<StationCommandAnswerDto> {
    return { station_id: id, ...(await this.central.call<StationAnswerDto>(id, 'Reset', { type: dto.type })) };
  }

  @Get('stations/:id/configuration')
  @ApiOperation({ summary: 'GetConfiguration (all keys, or those named in `key`, comma separated)' })
  @ApiQuery({ name: 'key', required: false })
  @ApiOkResponse({ type: StationConfigurationDto })
  async configuration(@Param('id') id: string, @Query('key') key?: string): Promise<StationConfigurationDto> {
    const keys = key
      ?.split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const answer = await this.central.call<Omit<StationConfigurationDto, 'station_id'>>(
      id,
      'GetConfiguration',
      keys?.length ? { key: keys } : {},
    );
    return { station_id: id, ...answer };
  }

  @Put('stations/:id/configuration')
  @RequireRole('admin')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @ApiOperation({ summary: 'ChangeConfiguration' })
  @ApiOkResponse({ type: StationCommandAnswerDto })
  async changeConfiguration(
    @Param('id') id: string,
    @Body() dto: ChangeConfigurationDto,
  ): Promise<StationCommandAnswerDto> {
    return {
      station_id: id,
      ...(await this.central.call<StationAnswerDto>(id, 'ChangeConfiguration', { key: dto.key, value: dto.value })),
    };
  }

  @Put('stations/:id/password')
  @RequireRole('admin')
  @ApiOperation({
    summary: "Set or rotate a station's Basic-auth password (security profile 1)",
    description:
      'When the station is connected (and notify_station is not false) it is sent the new password first, as ChangeConfiguration AuthorizationKey; if it does not accept, the old password stays.',
  })
  @ApiOkResponse({ type: StationPasswordAnswerDto })
  async setPassword(@Param('id') id: string, @Body() dto: StationPasswordDto): Promise<StationPasswordAnswerDto> {
    await this.stations.get(id);
    let stationAnswer: StationAnswerDto | null = null;
    if (dto.notify_station !== false && (await this.central.isConnected(id))) {
      const answer = await this.central.call<StationAnswerDto>(id, 'ChangeConfiguration', {
        key: 'AuthorizationKey',
        value: dto.password,
      });
      stationAnswer = answer;
      if (answer.status !== 'Accepted') return { station_id: id, password_changed: false, station_answer: answer };
    }
    await this.stations.setPassword(id, dto.password);
    return { station_id: id, password_changed: true, station_answer: stationAnswer };
  }

  @Put('id_tags/:idTag')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create or update an id tag (Accepted, Blocked, Expired, Invalid)' })
  @ApiOkResponse({ type: IdTagViewDto })
  async idTag(@Param('idTag') idTag: string, @Body() dto: IdTagDto): Promise<IdTagViewDto> {
    const tag = await this.stations.saveIdTag(
      idTag.slice(0, 20),
      dto.status,
      dto.expiry_date ? new Date(dto.expiry_date) : null,
    );
    return { id_tag: tag.idTag, status: tag.status, expiry_date: tag.expiryDate?.toISOString() ?? null };
  }
}
