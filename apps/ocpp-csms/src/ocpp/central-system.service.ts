import {
  BadGatewayException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import { MetricsService } from '@lib/observability';
import { STATION_ID } from '@lib/contracts';
import { OCPP16_SUBPROTOCOL } from '@lib/ocpp';
import { RPCServer, TimeoutError, createRPCError, createValidator } from 'ocpp-rpc';
import ocpp16Schemas from 'ocpp-rpc/lib/schemas/ocpp1_6.json';
import type { Validator } from 'ocpp-rpc/lib/validator';
import { Counter } from 'prom-client';
import { CSMS_CONFIG } from '../csms.tokens';
import type { TransactionEntity } from '../persistence/entities';
import { BootInfo, StationsService } from '../stations/stations.service';
import { energyWh, powerW, socPct } from '../transactions/meter-readings';
import { MeterValue, TransactionsService } from '../transactions/transactions.service';
import { CsmsEvents, TransactionEvent } from './csms-events';
import { lenientValidator } from './lenient-fields';
import { OcppLogService } from './ocpp-log.service';
import { StationRouter } from './station-router';

type Params = Record<string, unknown>;
type Handler = (stationId: string, params: Params) => Promise<Params> | Params;

/** The part of an ocpp-rpc server-side client this service uses. */
interface StationSocket {
  identity: string;
  call(method: string, params?: unknown, options?: { callTimeoutMs?: number }): Promise<unknown>;
  handle(
    method: string | ((call: { method?: string; params?: Params }) => Promise<Params>),
    handler?: (call: { params?: Params }) => Promise<Params>,
  ): void;
  close(options?: { code?: number; reason?: string; force?: boolean }): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): void;
}

/**
 * The official OCPP 1.6 schemas, applied strictly to every known action in both directions. An
 * action with no schema is not a malformed frame but an unknown action: it passes through to the
 * handlers and is answered NotImplemented, as OCPP-J says, rather than ProtocolError.
 */
const OCPP16_SCHEMA_IDS = new Set((ocpp16Schemas as { $id?: string }[]).map((schema) => schema.$id));
const official = createValidator(OCPP16_SUBPROTOCOL, ocpp16Schemas);
const ocpp16Validator: Validator = Object.assign(Object.create(official) as Validator, {
  validate: (schemaId: string, params: unknown) =>
    OCPP16_SCHEMA_IDS.has(schemaId) ? official.validate(schemaId, params) : true,
});
const now = (): string => new Date().toISOString();
const transactionEvent = (tx: TransactionEntity, kind: TransactionEvent['kind']): TransactionEvent => ({
  stationId: tx.stationId,
  transactionId: tx.id,
  kind,
  connectorId: tx.connectorId,
  idTag: tx.idTag,
  meterStopWh: tx.meterStopWh,
  energyWh: tx.energyWh,
});

/**
 * The OCPP 1.6-J central system: ocpp-rpc in strict mode (the official 1.6 schemas validate every
 * call both ways, and bad frames get the protocol's CALLERROR), one handler per action, and
 * CSMS-initiated calls routed to the station's socket.
 */
@Injectable()
export class CentralSystemService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ocpp');
  private readonly server: RPCServer;
  private httpServer: Server | null = null;
  private readonly sockets = new Map<string, StationSocket>();
  private readonly frames: Counter<'direction'>;
  private readonly strictFailures: Counter<'direction'>;
  /** Frames the bookkeeping set right: repeated stops, stray meter values, transactions the CSMS ended. */
  private readonly corrections: Counter<'kind'>;
  private readonly handlers: Record<string, Handler>;
  /** Connectors reported Available while a transaction is open there: ended after the grace period. */
  private readonly availableTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly stations: StationsService,
    private readonly transactions: TransactionsService,
    private readonly logs: OcppLogService,
    private readonly events: CsmsEvents,
    private readonly router: StationRouter,
    metrics: MetricsService,
  ) {
    router.serve((stationId, method, params) => this.callLocal(stationId, method, params));
    this.frames = metrics.counter('ocpp_frames_total', 'OCPP frames by direction', ['direction']);
    this.strictFailures = metrics.counter(
      'ocpp_strict_validation_failures_total',
      'Frames failing the OCPP 1.6 schema',
      ['direction'],
    );
    this.corrections = metrics.counter(
      'ocpp_transaction_corrections_total',
      'Repeated StopTransactions, MeterValues for unknown or closed transactions, transactions ended by the CSMS',
      ['kind'],
    );
    this.server = new RPCServer({
      protocols: [OCPP16_SUBPROTOCOL],
      strictMode: true,
      strictModeValidators: [lenientValidator(ocpp16Validator, config.ocpp, (message) => this.logger.warn(message))],
      callTimeoutMs: config.ocpp.callTimeoutMs,
      respondWithDetailedErrors: true,
      maxBadMessages: Infinity,
    });
    this.server.auth((accept, reject, handshake) => {
      const id = handshake.identity;
      if (!STATION_ID.test(id)) return reject(400, 'Invalid charge point identity');
      this.stations.admit(id, handshake.password).then(
        (verdict) =>
          verdict.ok ? accept({ stationId: id }, OCPP16_SUBPROTOCOL) : reject(verdict.code, verdict.reason),
        (error: Error) => {
          this.logger.warn(`${id}: refused while the database is unavailable (${error.message})`);
          reject(503, 'Service Unavailable');
        },
      );
    });
    this.server.on('client', (client: StationSocket) => this.onConnect(client));
    this.handlers = {
      BootNotification: (id, p) => this.onBoot(id, p as unknown as BootInfo),
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: (id, p) => this.onStatus(id, p),
      Authorize: async (_id, p) => ({ idTagInfo: await this.stations.authorize(String(p.idTag)) }),
      StartTransaction: (id, p) => this.onStart(id, p),
      StopTransaction: (id, p) => this.onStop(id, p),
      MeterValues: (id, p) => this.onMeterValues(id, p),
      DiagnosticsStatusNotification: (id, p) => {
        this.logger.log(`${id}: diagnostics ${String(p.status)}`);
        return {};
      },
      FirmwareStatusNotification: (id, p) => {
        this.logger.log(`${id}: firmware ${String(p.status)}`);
        return {};
      },
      DataTransfer: (id, p) => {
        this.logger.log(`${id}: DataTransfer from vendor ${String(p.vendorId)}`);
        return { status: 'UnknownVendorId' };
      },
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.httpServer = await this.server.listen(this.config.ocpp.port, this.config.http.host);
    this.logger.log(`OCPP 1.6-J listening on ws://${this.config.http.host}:${this.port}/{chargePointId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.availableTimers.values()) clearTimeout(timer);
    this.availableTimers.clear();
    await this.server.close({ code: 1001, reason: 'CSMS shutting down', awaitPending: false, force: true });
  }

  get port(): number {
    return (this.httpServer?.address() as AddressInfo | null)?.port ?? this.config.ocpp.port;
  }

  /** Connected to this replica, or (with REDIS_URL) to another one. */
  async isConnected(stationId: string): Promise<boolean> {
    return this.sockets.has(stationId) || (await this.router.owner(stationId)) !== null;
  }

  async connectedAmong(stationIds: string[]): Promise<Set<string>> {
    return this.router.owners(stationIds);
  }

  /**
   * Calls an action on a connected station. 404: unknown; 503: not connected; 504: no answer in
   * time; 502: the station answered with a CALLERROR.
   */
  async call<T = Params>(
    stationId: string,
    method: string,
    params: Params,
    options: { timeoutMs?: number; fencingToken?: number } = {},
  ): Promise<T> {
    if (!this.sockets.has(stationId)) {
      const owner = await this.router.owner(stationId);
      if (owner && owner !== this.router.instanceId)
        return (await this.router.remote(owner, stationId, method, params, options.fencingToken)) as T;
    }
    return (await this.callLocal(stationId, method, params, options)) as T;
  }

  private async callLocal(
    stationId: string,
    method: string,
    params: Params,
    options: { timeoutMs?: number } = {},
  ): Promise<Params> {
    const socket = this.sockets.get(stationId);
    if (!socket) {
      if (!(await this.stations.find(stationId))) throw new NotFoundException(`Station not found: ${stationId}`);
      throw new ServiceUnavailableException(`Station ${stationId} is not connected`);
    }
    try {
      return (await socket.call(
        method,
        params,
        options.timeoutMs !== undefined ? { callTimeoutMs: options.timeoutMs } : undefined,
      )) as Params;
    } catch (error) {
      if (error instanceof TimeoutError)
        throw new GatewayTimeoutException(`${stationId} did not answer ${method} in time`);
      const e = error as { rpcErrorCode?: string; message?: string };
      throw new BadGatewayException(
        `${stationId} answered ${method} with ${e.rpcErrorCode ?? 'an error'}: ${e.message ?? ''}`.trim(),
      );
    }
  }

  private onConnect(client: StationSocket): void {
    const id = client.identity;
    const previous = this.sockets.get(id);
    this.sockets.set(id, client);
    void this.router.claim(id);
    if (previous) void previous.close({ code: 1000, reason: 'Replaced by a new connection' });
    this.logger.log(`${id}: connected`);
    this.events.emit('station', { stationId: id, kind: 'connected' });
    client.on('message', ({ message, outbound }: { message: string; outbound: boolean }) => {
      this.frames.inc({ direction: outbound ? 'out' : 'in' });
      this.logs.record(id, outbound ? 'out' : 'in', String(message));
    });
    client.on('strictValidationFailure', ({ error, outbound }: { error: Error; outbound: boolean }) => {
      this.strictFailures.inc({ direction: outbound ? 'out' : 'in' });
      // Outbound failures are our own invalid responses: they must be seen, not silently replaced.
      const log = outbound ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
      log(`${id}: ${outbound ? 'our' : 'their'} frame failed the OCPP 1.6 schema: ${error.message}`);
    });
    client.on('close', () => {
      if (this.sockets.get(id) === client) {
        this.sockets.delete(id);
        this.stations.disconnected(id);
        this.transactions.stationLeft(id);
        void this.router.release(id);
        this.events.emit('station', { stationId: id, kind: 'disconnected' });
      }
      this.logger.log(`${id}: disconnected`);
    });
    for (const [method, handler] of Object.entries(this.handlers)) {
      client.handle(method, async ({ params }) => handler(id, params ?? {}));
    }
    client.handle(({ method }) =>
      Promise.reject(
        createRPCError('NotImplemented', `${method ?? 'This action'} is not implemented by this CSMS`) as Error,
      ),
    );
  }

  private async onBoot(id: string, info: BootInfo): Promise<Params> {
    await this.stations.boot(id, info);
    // A reboot ends every transaction the station had open (its own StopTransaction may follow and correct the figures).
    const ended = await this.transactions.closeOpen(id, undefined, 'Reboot');
    this.ended(ended, 'the station rebooted');
    // Capabilities are asked once the boot is answered: a station may not take calls before.
    setTimeout(() => void this.fetchCapabilities(id), 50);
    return { status: 'Accepted', currentTime: now(), interval: this.config.ocpp.heartbeatIntervalS };
  }

  private async fetchCapabilities(id: string): Promise<void> {
    try {
      const conf = await this.call<{ configurationKey?: { key: string; value?: string }[] }>(id, 'GetConfiguration', {
        key: ['SupportedFeatureProfiles', 'NumberOfConnectors'],
      });
      const value = (key: string): string | null => conf.configurationKey?.find((k) => k.key === key)?.value ?? null;
      const connectors = Number(value('NumberOfConnectors'));
      await this.stations.setCapabilities(
        id,
        value('SupportedFeatureProfiles'),
        Number.isInteger(connectors) && connectors > 0 ? connectors : null,
      );
    } catch (error) {
      this.logger.warn(`${id}: could not read its configuration: ${(error as Error).message}`);
    }
  }

  private onStatus(id: string, p: Params): Params {
    const connectorId = Number(p.connectorId);
    this.stations.setConnector(id, {
      connectorId,
      status: String(p.status),
      errorCode: String(p.errorCode),
      updatedAt: typeof p.timestamp === 'string' ? p.timestamp : now(),
    });
    const key = `${id}/${connectorId}`;
    clearTimeout(this.availableTimers.get(key));
    this.availableTimers.delete(key);
    if (p.status === 'Available' && connectorId > 0) {
      // A connector that stays Available has no session, whatever the records say.
      const timer = setTimeout(() => {
        this.availableTimers.delete(key);
        void this.endOnAvailable(id, connectorId);
      }, this.config.ocpp.availableGraceS * 1000);
      timer.unref();
      this.availableTimers.set(key, timer);
    }
    this.events.emit('status', { stationId: id, connectorId });
    return {};
  }

  private async endOnAvailable(id: string, connectorId: number): Promise<void> {
    try {
      const ended = await this.transactions.closeOpen(id, connectorId, 'ConnectorAvailable');
      this.ended(ended, `connector ${connectorId} stayed Available`);
    } catch (error) {
      this.logger.warn(`${id}: could not end the transactions of an Available connector: ${(error as Error).message}`);
    }
  }

  /** Logs and announces transactions the CSMS closed itself. */
  private ended(closed: TransactionEntity[], why: string): void {
    for (const tx of closed) {
      this.corrections.inc({ kind: `ended_${tx.stopReason ?? 'unknown'}` });
      this.logger.warn(`${tx.stationId}: transaction ${tx.id} ended by the CSMS (${tx.stopReason}): ${why}`);
      this.events.emit('transaction', transactionEvent(tx, 'stopped'));
    }
  }

  private async onStart(id: string, p: Params): Promise<Params> {
    const idTagInfo = await this.stations.authorize(String(p.idTag));
    const { tx, superseded } = await this.transactions.start(
      id,
      Number(p.connectorId),
      String(p.idTag),
      Number(p.meterStart),
      new Date(String(p.timestamp)),
    );
    this.ended(superseded, `a new transaction started on connector ${tx.connectorId}`);
    this.logger.log(`${id}: transaction ${tx.id} started on connector ${tx.connectorId} (${idTagInfo.status})`);
    this.events.emit('transaction', transactionEvent(tx, 'started'));
    return { transactionId: tx.id, idTagInfo };
  }

  private async onStop(id: string, p: Params): Promise<Params> {
    const outcome = await this.transactions.stop(
      id,
      Number(p.transactionId),
      Number(p.meterStop),
      new Date(String(p.timestamp)),
      p.reason as string | undefined,
    );
    const idTagInfo = async (): Promise<Params> =>
      typeof p.idTag === 'string' ? { idTagInfo: await this.stations.authorize(p.idTag) } : {};
    if (outcome.kind === 'unknown') {
      this.logger.warn(`${id}: StopTransaction for unknown transaction ${String(p.transactionId)}`);
      return {};
    }
    if (outcome.kind === 'repeated') {
      this.corrections.inc({ kind: 'repeated_stop' });
      this.logger.warn(
        `${id}: repeated StopTransaction for transaction ${outcome.tx.id} (meterStop ${String(p.meterStop)}, ` +
          `reason ${typeof p.reason === 'string' ? p.reason : 'Local'}); it was closed already and is left as it is`,
      );
      return idTagInfo();
    }
    const tx = outcome.tx;
    if (Array.isArray(p.transactionData)) {
      await this.transactions.storeMeterValues(id, tx.connectorId, tx.id, p.transactionData as MeterValue[]);
    }
    this.logger.log(`${id}: transaction ${tx.id} stopped, ${tx.energyWh} Wh`);
    this.events.emit('transaction', transactionEvent(tx, 'stopped'));
    return idTagInfo();
  }

  private async onMeterValues(id: string, p: Params): Promise<Params> {
    const transactionId = typeof p.transactionId === 'number' ? p.transactionId : null;
    const open = transactionId !== null ? await this.transactions.findOpen(id, transactionId) : null;
    const stray = transactionId !== null && open === null;
    if (stray) this.corrections.inc({ kind: 'stray_meter_values' });
    if (stray)
      this.logger.warn(`${id}: MeterValues for transaction ${transactionId}, which is unknown or closed: kept apart`);
    const { skipped, latest } = await this.transactions.storeMeterValues(
      id,
      Number(p.connectorId),
      transactionId,
      p.meterValue as MeterValue[],
      { stray },
    );
    const energy = energyWh(latest);
    this.events.emit('meter', {
      stationId: id,
      connectorId: Number(p.connectorId),
      transactionId,
      stray,
      at: latest[0]?.timestamp ?? null,
      powerW: powerW(latest),
      energyWh: energy,
      socPct: socPct(latest),
      sessionEnergyWh: open && energy !== null ? Math.max(0, energy - open.meterStartWh) : null,
    });
    if (skipped > 0) this.logger.warn(`${id}: ${skipped} sampled values were not numbers and were not stored`);
    return {};
  }
}
