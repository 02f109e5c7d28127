import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import {
  BOUNDS,
  CHARGE_POINT_STATUSES,
  ChargePointStatus,
  StationConnectorState,
  StationMeterMessage,
  StationStatusMessage,
  TOPIC_REGISTRY,
  TopicEntry,
} from '@lib/contracts';
import { BusEncodeError, MqttConnection, publishBusMessage } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { Counter } from 'prom-client';
import { CSMS_CONFIG } from '../csms.tokens';
import { CsmsEvents, MeterEvent, TransactionEvent } from '../ocpp/csms-events';
import { StationsService } from '../stations/stations.service';
import { TransactionsService } from '../transactions/transactions.service';

interface OpenSession {
  transactionId: number;
  idTag: string;
}

const STATUSES: readonly string[] = CHARGE_POINT_STATUSES;
/** The largest energy the station meter contract takes (Wh). */
const MAX_WH = BOUNDS.energyKwh * 1000;
const plausible = (value: number | null, max: number): number | null =>
  value !== null && Number.isFinite(value) && value >= 0 && value <= max ? value : null;

/**
 * Tells the bus, per station, what the stations connected to this replica report: its status
 * (retained: connection, connectors, open transactions) and each connector's measured power and
 * energy (TOPIC_REGISTRY.stationStatus / .stationMeter), so consumers see real chargers' load.
 * Publishing never holds up OCPP handling: it runs after the handler, on its own MQTT connection,
 * and a broker that is away costs the meter readings of that time (counted), never a crash. Each
 * station's latest status is kept and published again when the broker is back.
 */
@Injectable()
export class StationBusService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('station-bus');
  readonly mqtt: MqttConnection | null;
  private readonly published: Counter<'topic' | 'outcome'>;
  /** Open transactions by station, then connector. */
  private readonly sessions = new Map<string, Map<number, OpenSession>>();
  private readonly connected = new Set<string>();
  /** The latest status of each station this replica has reported (re-published after a broker outage). */
  private readonly lastStatus = new Map<string, StationStatusMessage>();
  private lastFailureLog = 0;
  /** The last energy register per station/connector, for chargers that report energy but no power. */
  private readonly registers = new Map<string, { wh: number; at: number }>();

  constructor(
    @Inject(CSMS_CONFIG) config: OcppCsmsConfig,
    private readonly stations: StationsService,
    private readonly transactions: TransactionsService,
    private readonly events: CsmsEvents,
    metrics: MetricsService,
  ) {
    const mqtt = config.bus.mqtt;
    this.mqtt = mqtt ? new MqttConnection({ ...mqtt, clientId: `${mqtt.clientId}-stations` }, 'ocpp-csms') : null;
    this.published = metrics.counter(
      'ocpp_station_bus_messages_total',
      'Station status and meter messages for the bus, by outcome (published, broker_offline, invalid, error)',
      ['topic', 'outcome'],
    );
  }

  onModuleInit(): void {
    if (!this.mqtt) {
      this.logger.warn('MQTT_URL is not set: station status and meter values are not published on the bus');
      return;
    }
    // Statuses reported while the broker was away (or before it was first reached) go out on (re)connection.
    this.mqtt.onEveryConnect(() => {
      const timestamp = new Date().toISOString();
      for (const status of this.lastStatus.values()) this.send(TOPIC_REGISTRY.stationStatus, { ...status, timestamp });
    });
    this.events.on('station', (e) => void this.onStation(e.stationId, e.kind === 'connected'));
    this.events.on('status', (e) => this.publishStatus(e.stationId));
    this.events.on('transaction', (e) => this.onTransaction(e));
    this.events.on('meter', (e) => this.onMeter(e));
  }

  /**
   * Before the OCPP server closes: this replica's stations are no longer connected to it (they
   * will dial another replica, which reports them again), said before their sockets close so the
   * order on the bus stays true.
   */
  beforeApplicationShutdown(): void {
    const stations = [...this.connected];
    this.connected.clear();
    for (const id of stations) this.publishStatus(id);
  }

  /** Flushes what is in flight (at most a second), then disconnects. */
  async onApplicationShutdown(): Promise<void> {
    await this.mqtt?.close(1000);
  }

  private async onStation(stationId: string, connected: boolean): Promise<void> {
    if (connected) {
      this.connected.add(stationId);
      try {
        // Transactions the station had open before it (or this replica) restarted.
        const open = await this.transactions.active(stationId);
        let sessions = this.sessions.get(stationId);
        if (!sessions) this.sessions.set(stationId, (sessions = new Map<number, OpenSession>()));
        // A start taken while the query ran is newer than what it read.
        for (const tx of open)
          if (!sessions.has(tx.connectorId)) sessions.set(tx.connectorId, { transactionId: tx.id, idTag: tx.idTag });
      } catch (error) {
        this.logger.warn(`${stationId}: open transactions unknown (${(error as Error).message})`);
      }
    } else {
      this.connected.delete(stationId);
    }
    this.publishStatus(stationId);
    if (!connected) {
      this.sessions.delete(stationId);
      for (const key of this.registers.keys()) if (key.startsWith(`${stationId}/`)) this.registers.delete(key);
    }
  }

  private onTransaction(e: TransactionEvent): void {
    let sessions = this.sessions.get(e.stationId);
    if (!sessions) this.sessions.set(e.stationId, (sessions = new Map<number, OpenSession>()));
    if (e.kind === 'started') {
      sessions.set(e.connectorId, { transactionId: e.transactionId, idTag: e.idTag });
    } else {
      if (sessions.get(e.connectorId)?.transactionId === e.transactionId) sessions.delete(e.connectorId);
      this.registers.delete(`${e.stationId}/${e.connectorId}`);
      this.meter({
        station_id: e.stationId,
        connector_id: e.connectorId,
        transaction_id: e.transactionId,
        power_w: 0,
        energy_wh: plausible(e.meterStopWh, MAX_WH),
        session_energy_wh: plausible(e.energyWh, MAX_WH),
        soc_pct: null,
        timestamp: new Date().toISOString(),
      });
    }
    if (this.connected.has(e.stationId)) this.publishStatus(e.stationId);
  }

  private onMeter(e: MeterEvent): void {
    const powerW = e.powerW ?? this.powerFromRegister(e);
    if (powerW === null) return;
    // Readings of a closed or unknown transaction are load all the same: reported without it.
    this.meter({
      station_id: e.stationId,
      connector_id: e.connectorId,
      transaction_id: e.stray ? null : e.transactionId,
      power_w: Math.max(0, powerW),
      // A value no meter can show (a negative register, a SoC over 100) is left out, not the reading.
      energy_wh: plausible(e.energyWh, MAX_WH),
      session_energy_wh: e.stray ? null : plausible(e.sessionEnergyWh, MAX_WH),
      soc_pct: plausible(e.socPct, 100),
      timestamp: new Date().toISOString(),
    });
  }

  /**
   * A charger that sends only Energy.Active.Import.Register: its mean power since its previous
   * register (W), or null for the first one (or a register that went back, a meter reset).
   */
  private powerFromRegister(e: MeterEvent): number | null {
    if (e.energyWh === null || e.at === null || Number.isNaN(e.at.getTime())) return null;
    const key = `${e.stationId}/${e.connectorId}`;
    const previous = this.registers.get(key);
    const at = e.at.getTime();
    this.registers.set(key, { wh: e.energyWh, at });
    if (!previous || at <= previous.at || e.energyWh < previous.wh) return null;
    return ((e.energyWh - previous.wh) * 3_600_000) / (at - previous.at);
  }

  /** The station's status as this replica knows it now. */
  status(stationId: string): StationStatusMessage {
    const sessions = this.sessions.get(stationId) ?? new Map<number, OpenSession>();
    const connectors = new Map<number, StationConnectorState>();
    for (const c of this.stations.connectorStates(stationId)) {
      const session = sessions.get(c.connectorId);
      connectors.set(c.connectorId, {
        connector_id: c.connectorId,
        status: (STATUSES.includes(c.status) ? c.status : 'Unavailable') as ChargePointStatus,
        error_code: c.errorCode,
        transaction_id: session?.transactionId ?? null,
        id_tag: session?.idTag ?? null,
      });
    }
    // A transaction on a connector whose status has not been reported yet: it was accepted to charge.
    for (const [connectorId, session] of sessions) {
      if (!connectors.has(connectorId))
        connectors.set(connectorId, {
          connector_id: connectorId,
          status: 'Charging',
          error_code: 'NoError',
          transaction_id: session.transactionId,
          id_tag: session.idTag,
        });
    }
    return {
      station_id: stationId,
      connected: this.connected.has(stationId),
      connectors: [...connectors.values()].sort((a, b) => a.connector_id - b.connector_id),
      timestamp: new Date().toISOString(),
    };
  }

  private publishStatus(stationId: string): void {
    if (!this.mqtt) return;
    const status = this.status(stationId);
    this.lastStatus.set(stationId, status);
    this.send(TOPIC_REGISTRY.stationStatus, status);
  }

  private meter(message: StationMeterMessage): void {
    if (this.mqtt) this.send(TOPIC_REGISTRY.stationMeter, message);
  }

  /** Fire and forget: the outcome is counted, failures logged at most once a minute. */
  private send<T extends StationStatusMessage | StationMeterMessage>(entry: TopicEntry<T>, body: T): void {
    const mqtt = this.mqtt;
    if (!mqtt) return;
    const topic = entry.pattern;
    if (!mqtt.connected) {
      // Meter readings of a broker outage are not kept (the next reading says the same); the status is re-sent.
      this.published.inc({ topic, outcome: 'broker_offline' });
      return;
    }
    publishBusMessage(mqtt, entry, [body.station_id], body).then(
      () => this.published.inc({ topic, outcome: 'published' }),
      (error: Error) => {
        const invalid = error instanceof BusEncodeError;
        this.published.inc({ topic, outcome: invalid ? 'invalid' : 'error' });
        const now = Date.now();
        if (now - this.lastFailureLog > 60_000) {
          this.lastFailureLog = now;
          this.logger.warn(`${body.station_id}: not published on ${topic}: ${error.message}`);
        }
      },
    );
  }
}
