import {
  BadRequestException,
  GatewayTimeoutException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import type {
  SiteAllocationDto,
  SiteChargingPlanDto,
  SiteFailedSendDto,
  SiteProfilePurpose,
  SiteStationControlDto,
} from '@lib/contracts';
import { ChargingProfile, ampsToWatts, siteLimitProfile, toOcppLimit } from '@lib/ocpp';
import { MetricsService } from '@lib/observability';
import { DatabaseConnection } from '@lib/persistence';
import { Counter } from 'prom-client';
import { In } from 'typeorm';
import { CSMS_CONFIG } from '../csms.tokens';
import { CentralSystemService } from '../ocpp/central-system.service';
import { CsmsEvents, MeterEvent } from '../ocpp/csms-events';
import { StationRouter } from '../ocpp/station-router';
import { SettingEntity, StationEntity, TransactionEntity } from '../persistence/entities';
import { SmartChargingService } from '../smart-charging/smart-charging.service';
import { StationsService } from '../stations/stations.service';
import { TransactionsService } from '../transactions/transactions.service';
import { Debouncer } from './debouncer';
import { retryWithBackoff } from './retry';
import { SiteLeaderService, SiteRelayEvent } from './site-leader.service';
import { PlanSession, SessionState, changesToSend, planSite } from './site-plan';

export interface SiteLimit {
  limit: number;
  unit: 'W' | 'A';
}

export type Allocation = SiteAllocationDto;

/** How the site limit reaches one station, learnt from its answers. */
interface StationControl {
  controllable: boolean;
  /** The purpose it accepted last: later sends start there instead of climbing the ladder again. */
  mode: SiteProfilePurpose | null;
  reason: string | null;
  retryAt: Date | null;
  failures: number;
}

type SendOutcome =
  | { ok: true }
  | {
      ok: false;
      /** fenced: this replica no longer holds the lease the plan was made under; nothing was sent. */
      kind: 'refused' | 'no_smart_charging' | 'unreachable' | 'fenced';
      message: string;
      /** No answer came (a timeout, the station or its replica away): worth another attempt. */
      transient?: boolean;
    };

const SETTING_KEY = 'site_charging_limit';
/** Profile ids and stack level the site limit uses, kept apart from operators' own profiles. */
export const SITE_PROFILE_BASE_ID = 900_000;
export const SITE_STACK_LEVEL = 8;
/** The fallback ladder: a station refusing one purpose is tried with the next. */
const LADDER: SiteProfilePurpose[] = ['TxProfile', 'ChargePointMaxProfile', 'TxDefaultProfile'];
const NOT_CHARGING = new Set(['Available', 'Finishing', 'Faulted', 'Unavailable', 'Reserved']);
/** A session drawing at least this is charging. */
const DRAWING_W = 100;
/** Back-off doubles up to 2^4 times SITE_RETRY_AFTER_S. */
const MAX_BACKOFF_DOUBLINGS = 4;
/** Failed sends kept for the site status. */
const FAILED_SENDS_KEPT = 20;
/** How long a follower waits for the leader's answer beyond the leader's own deadline. */
const FORWARD_MARGIN_MS = 2_000;

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};

/**
 * Site load management. It measures before it shares: what the loads it cannot steer draw
 * (stations without SmartCharging or refusing every profile, readings of unknown or closed
 * transactions, sessions of stations not connected) comes off the limit with a safety margin, and
 * the rest is shared among the sessions that charge. Sends go to every station at once, each with
 * its own short deadline, and only where a share changed by more than a step; a station that
 * accepts nothing is marked uncontrollable and tried again after a back-off. A send that gets no
 * answer is retried (SITE_SEND_ATTEMPTS, backing off from SITE_SEND_BACKOFF_MS) and, failing
 * still, counted and shown in `failed_sends`.
 *
 * With several replicas only the leader (SiteLeaderService) plans and sends, each send under
 * its fencing token; the others relay their stations' events and forward REST calls to it.
 */
@Injectable()
export class SiteLoadService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('site-load');
  private current: SiteLimit | null = null;
  private allocations: Allocation[] = [];
  private uncontrolledW = 0;
  private budgetW: number | null = null;
  private plannedAt: Date | null = null;
  /** The limit (W) each session's station accepted last. */
  private readonly sent = new Map<number, number>();
  private readonly control = new Map<string, StationControl>();
  /** Sends in flight, by station: one at a time per station; a silent one delays nobody else. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private queue: Promise<void> = Promise.resolve();
  private readonly debouncer: Debouncer;
  private review: NodeJS.Timeout | null = null;
  private readonly profilesSent: Counter<'outcome'>;
  private readonly failedSends: Counter<'kind'>;
  private readonly failures: SiteFailedSendDto[] = [];
  /** The fencing token the current plan was made under. */
  private planToken: number | null = null;
  /** Connector statuses of stations on other replicas, as relayed to the leader. */
  private readonly remoteStatus = new Map<string, string>();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly database: DatabaseConnection,
    private readonly central: CentralSystemService,
    private readonly smartCharging: SmartChargingService,
    private readonly transactions: TransactionsService,
    private readonly stations: StationsService,
    private readonly leader: SiteLeaderService,
    private readonly router: StationRouter,
    events: CsmsEvents,
    metrics: MetricsService,
  ) {
    this.profilesSent = metrics.counter(
      'ocpp_site_profiles_total',
      'SetChargingProfile sent for the site limit, by outcome',
      ['outcome'],
    );
    this.failedSends = metrics.counter(
      'ocpp_site_failed_sends_total',
      'Site SetChargingProfile that failed after every retry, by kind',
      ['kind'],
    );
    this.debouncer = new Debouncer('site-rebalance', config.site.debounceMs, () => void this.rebalance());
    // Events of this replica's stations: the leader acts on them, a follower relays them to it.
    events.on('transaction', (e) => {
      const stopped = e.kind === 'stopped';
      if (!this.leader.isLeader)
        return this.leader.relay({
          kind: 'transaction',
          stationId: e.stationId,
          transactionId: e.transactionId,
          stopped,
        });
      this.onTransaction(e.transactionId, stopped);
    });
    events.on('meter', (e) => {
      if (this.leader.isLeader) return this.onMeter(e);
      const powerW = e.stray
        ? e.powerW
        : (this.transactions.sessionPower(e.transactionId ?? -1).latest?.powerW ?? null);
      if (powerW === null) return;
      this.leader.relay({
        kind: 'power',
        stationId: e.stationId,
        connectorId: e.connectorId,
        transactionId: e.stray ? null : e.transactionId,
        powerW,
      });
    });
    events.on('station', (e) => {
      if (!this.leader.isLeader)
        return this.leader.relay({ kind: 'station', stationId: e.stationId, connected: e.kind === 'connected' });
      this.debouncer.trigger();
    });
    events.on('status', (e) => {
      if (this.leader.isLeader) return;
      const status = this.stations.connectorStates(e.stationId).find((c) => c.connectorId === e.connectorId)?.status;
      if (status) this.leader.relay({ kind: 'status', stationId: e.stationId, connectorId: e.connectorId, status });
    });
    leader.onRelay((e) => this.onRelay(e));
    leader.onChange((leading) => void (leading ? this.takeOver() : this.stepDown()));
    router.answer('site.view', () => Promise.resolve(this.view() as unknown as Record<string, unknown>));
    router.answer('site.reload', async () => (await this.reload()) as unknown as Record<string, unknown>);
  }

  private onTransaction(transactionId: number, stopped: boolean): void {
    if (stopped) {
      this.sent.delete(transactionId);
      this.leader.saveSent(transactionId, null);
    }
    this.debouncer.trigger();
  }

  /** What another replica's stations did, as the leader hears it. */
  private onRelay(e: SiteRelayEvent): void {
    const now = new Date();
    switch (e.kind) {
      case 'limit':
        void this.reload();
        return;
      case 'transaction':
        return this.onTransaction(e.transactionId, e.stopped);
      case 'status':
        this.remoteStatus.set(`${e.stationId}/${e.connectorId}`, e.status);
        return;
      case 'station':
        if (!e.connected)
          for (const key of this.remoteStatus.keys())
            if (key.startsWith(`${e.stationId}/`)) this.remoteStatus.delete(key);
        return this.debouncer.trigger();
      case 'power':
        if (e.transactionId === null) this.transactions.recordStray(e.stationId, e.connectorId, e.powerW, now);
        else this.transactions.recordPower(e.transactionId, e.powerW, now);
        return this.onMeter({
          stationId: e.stationId,
          connectorId: e.connectorId,
          transactionId: e.transactionId,
          stray: e.transactionId === null,
          at: now,
          powerW: e.powerW,
          energyWh: null,
          socPct: null,
          sessionEnergyWh: null,
        });
    }
  }

  /**
   * This replica has just become leader: the limit, the sessions' power and the shares stations
   * accepted are read back (database, Redis), and the plan is made at once under the new token.
   */
  private async takeOver(): Promise<void> {
    try {
      await this.database.whenReady();
      await this.loadLimit();
      await this.transactions.restore();
      const sent = await this.leader.loadSent();
      this.sent.clear();
      for (const [tx, w] of sent) this.sent.set(tx, w);
      this.logger.log(`took over the site plan (fencing token ${this.leader.token ?? '?'})`);
      if (this.current) await this.rebalance();
    } catch (error) {
      this.logger.error(`could not take over the site plan: ${(error as Error).message}`);
    }
  }

  private stepDown(): void {
    this.debouncer.cancel();
    this.planToken = null;
  }

  private async loadLimit(): Promise<void> {
    const row = await this.database.get().getRepository(SettingEntity).findOneBy({ key: SETTING_KEY });
    this.current = row ? (JSON.parse(row.value) as SiteLimit | null) : null;
  }

  /** On the leader: the limit as stored now, applied; answers once stations answered (or the deadline). */
  private async reload(): Promise<SiteChargingPlanDto> {
    if (!this.leader.isLeader) return this.view();
    await this.loadLimit();
    await (this.current ? this.rebalance() : this.lift());
    await this.settled(this.config.site.answerWithinMs);
    return this.view();
  }

  onApplicationBootstrap(): void {
    // After a restart the plan is rebuilt at once from the stored open sessions and their latest
    // power: here when this process is the only one, else by whichever replica takes the lease.
    if (!this.router.enabled) void this.takeOver();
    else
      void this.database
        .whenReady()
        .then(() => this.loadLimit())
        .catch((error: Error) => this.logger.error(`could not read the site limit: ${error.message}`));
    this.review = setInterval(() => {
      if (this.current && this.leader.isLeader) void this.rebalance();
    }, this.config.site.reviewIntervalMs);
    this.review.unref();
  }

  onApplicationShutdown(): void {
    if (this.review) clearInterval(this.review);
    this.debouncer.cancel();
  }

  view(): SiteChargingPlanDto {
    const stationIds = new Set([...this.control.keys(), ...this.allocations.map((a) => a.station_id)]);
    return {
      role: this.leader.role,
      leader_id: this.leader.isLeader ? this.leader.instanceId : null,
      fencing_token: this.leader.isLeader ? this.planToken : null,
      failed_sends: [...this.failures],
      limit: this.current?.limit ?? null,
      unit: this.current?.unit ?? 'W',
      limit_w: this.current ? this.limitW(this.current) : null,
      uncontrolled_w: Math.round(this.uncontrolledW),
      budget_w: this.current && this.budgetW !== null ? Math.round(this.budgetW) : null,
      planned_at: this.plannedAt?.toISOString() ?? null,
      allocations: this.allocations,
      stations: [...stationIds].sort().map((id) => this.stationControl(id)),
    };
  }

  /** How the site limit reaches a station (shown with the station). */
  stationControl(stationId: string): SiteStationControlDto {
    const c = this.control.get(stationId);
    return {
      station_id: stationId,
      controllable: c?.controllable ?? true,
      mode: c?.mode ?? null,
      reason: c?.reason ?? null,
      retry_at: c?.retryAt?.toISOString() ?? null,
    };
  }

  /**
   * The plan as the leader has it: here on the leader, asked of it on a follower (which, with no
   * leader answering, shows the stored limit and no allocations).
   */
  async status(): Promise<SiteChargingPlanDto> {
    if (this.leader.isLeader) return this.view();
    const leaderId = await this.leader.leaderId();
    if (leaderId && leaderId !== this.leader.instanceId) {
      try {
        const plan = (await this.router.ask(leaderId, 'site.view', {}, FORWARD_MARGIN_MS)) as unknown;
        return { ...(plan as SiteChargingPlanDto), role: 'follower', leader_id: leaderId };
      } catch (error) {
        this.logger.warn(`the site leader ${leaderId} did not answer: ${(error as Error).message}`);
      }
    }
    await this.loadLimit().catch(() => undefined);
    return { ...this.followerView(), leader_id: leaderId };
  }

  private followerView(): SiteChargingPlanDto {
    return {
      ...this.view(),
      uncontrolled_w: 0,
      budget_w: null,
      planned_at: null,
      allocations: [],
      stations: [],
      failed_sends: [],
    };
  }

  /**
   * Sets (or lifts) the limit and answers with the new plan once every station has answered or
   * SITE_ANSWER_WITHIN_MS has passed; later outcomes show in view(). The limit is stored first
   * (any replica can), then applied by the leader: here, or asked of it.
   */
  async set(limit: SiteLimit | null): Promise<SiteChargingPlanDto> {
    await this.database
      .get()
      .getRepository(SettingEntity)
      .save({ key: SETTING_KEY, value: JSON.stringify(limit) });
    this.current = limit;
    this.logger.log(limit ? `site limit set to ${limit.limit} ${limit.unit}` : 'site limit lifted');
    if (this.leader.isLeader) {
      await (limit ? this.rebalance() : this.lift());
      await this.settled(this.config.site.answerWithinMs);
      return this.view();
    }
    const leaderId = await this.leader.leaderId();
    if (leaderId && leaderId !== this.leader.instanceId) {
      try {
        const timeoutMs = this.config.site.answerWithinMs + this.config.site.callTimeoutMs + FORWARD_MARGIN_MS;
        const plan = (await this.router.ask(leaderId, 'site.reload', {}, timeoutMs)) as unknown;
        return { ...(plan as SiteChargingPlanDto), role: 'follower', leader_id: leaderId };
      } catch (error) {
        // Stored all the same: the next leader applies it when it takes over.
        this.logger.warn(`the site leader ${leaderId} did not take the new limit: ${(error as Error).message}`);
      }
    }
    return { ...this.followerView(), leader_id: leaderId };
  }

  /**
   * A limit from the bus reaches every replica (Redis pub/sub): each stores it, only the leader
   * applies it.
   */
  async setFromBus(limit: SiteLimit | null): Promise<void> {
    if (this.leader.isLeader || !this.router.enabled) {
      await this.set(limit);
      return;
    }
    await this.database
      .get()
      .getRepository(SettingEntity)
      .save({ key: SETTING_KEY, value: JSON.stringify(limit) });
    this.current = limit;
  }

  /** Re-plans now (on the leader only); plans are queued so two never interleave (their sends run on their own). */
  rebalance(): Promise<void> {
    if (!this.leader.isLeader) return Promise.resolve();
    this.queue = this.queue
      .then(() => this.apply())
      .catch((error: Error) => this.logger.error(`re-balance failed: ${error.message}`));
    return this.queue;
  }

  /** Waits for the sends in flight, at most `ms`. */
  private async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight.values()]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Uncontrolled load is followed as it changes; a steered session matters when it starts drawing again. */
  private onMeter(e: MeterEvent): void {
    if (!this.current || e.transactionId === null) return;
    if (e.stray) return this.debouncer.trigger();
    const row = this.allocations.find((a) => a.transaction_id === e.transactionId);
    const drawnW = this.transactions.sessionPower(e.transactionId).latest?.powerW ?? 0;
    const unsteered = row?.status === 'uncontrolled' || row?.status === 'disconnected';
    if (
      !row ||
      (unsteered && Math.abs(drawnW - (row.measured_w ?? 0)) > this.config.site.stepW) ||
      (row.state === 'idle' && drawnW >= DRAWING_W)
    )
      this.debouncer.trigger();
  }

  private limitW(limit: SiteLimit): number {
    return limit.unit === 'A' ? ampsToWatts(limit.limit) : limit.limit;
  }

  private controlOf(stationId: string): StationControl {
    let c = this.control.get(stationId);
    if (!c)
      this.control.set(stationId, (c = { controllable: true, mode: null, reason: null, retryAt: null, failures: 0 }));
    const features = this.stations.liveFeatures(stationId);
    if (features && !features.includes('SmartCharging')) {
      Object.assign(c, { controllable: false, mode: null, reason: 'no SmartCharging', retryAt: null });
    } else if (!c.controllable && c.reason === 'no SmartCharging') {
      Object.assign(c, { controllable: true, reason: null });
    }
    return c;
  }

  /** Controllable now: it takes profiles, or its back-off is over and it is tried again. */
  private steerable(c: StationControl, now: number): boolean {
    return c.controllable || (c.retryAt !== null && c.retryAt.getTime() <= now);
  }

  private sessionState(tx: TransactionEntity, now: number): SessionState {
    const status =
      this.stations.connectorStates(tx.stationId).find((c) => c.connectorId === tx.connectorId)?.status ??
      this.remoteStatus.get(`${tx.stationId}/${tx.connectorId}`);
    if (status && NOT_CHARGING.has(status)) return 'not_charging';
    if (status === 'SuspendedEV') return 'idle';
    const { lastDrawAt } = this.transactions.sessionPower(tx.id);
    const since = lastDrawAt ?? tx.startedAt;
    return now - since.getTime() > this.config.site.idleAfterS * 1000 ? 'idle' : 'charging';
  }

  private async apply(): Promise<void> {
    const limit = this.current;
    const token = this.leader.token;
    if (!limit || token === null) return;
    const now = Date.now();
    const open = await this.transactions.activeAll();
    const stationIds = [...new Set(open.map((t) => t.stationId))];
    const connected = await this.central.connectedAmong(stationIds);
    const entities =
      stationIds.length > 0
        ? await this.database
            .get()
            .getRepository(StationEntity)
            .findBy({ id: In(stationIds) })
        : [];
    const maxW = (id: string): number =>
      entities.find((s) => s.id === id)?.maxPowerW ?? this.config.stationDefaultMaxPowerW;
    const freshSince = new Date(now - this.config.site.idleAfterS * 1000);
    let otherUncontrolledW = [...this.transactions.strayPower(freshSince).values()].reduce((s, r) => s + r.powerW, 0);
    const sessions: PlanSession[] = [];
    const rows: Allocation[] = [];
    const byTx = new Map<number, TransactionEntity>();
    for (const tx of open) {
      const latest = this.transactions.sessionPower(tx.id).latest;
      const base = { station_id: tx.stationId, connector_id: tx.connectorId, transaction_id: tx.id };
      if (!connected.has(tx.stationId)) {
        // Not steerable now; what it drew lately still flows through the fuse.
        if (latest && latest.at >= freshSince) {
          otherUncontrolledW += latest.powerW;
          rows.push({
            ...base,
            limit_w: latest.powerW,
            sent_as: null,
            status: 'disconnected',
            state: 'charging',
            measured_w: latest.powerW,
          });
        }
        continue;
      }
      byTx.set(tx.id, tx);
      sessions.push({
        transactionId: tx.id,
        stationId: tx.stationId,
        controllable: this.steerable(this.controlOf(tx.stationId), now),
        state: this.sessionState(tx, now),
        measuredW: latest?.powerW ?? null,
        maxW: maxW(tx.stationId),
      });
    }
    const cfg = this.config.site;
    const plan = planSite({
      limitW: this.limitW(limit),
      sessions,
      otherUncontrolledW,
      minW: this.config.stationMinPowerW,
      safetyMarginPct: cfg.safetyMarginPct,
      idleShare: cfg.idleShare,
    });
    const targets = new Map([...plan.shares].map(([id, w]) => [id, toOcppLimit(w)]));
    const { effective, send } = changesToSend(
      targets,
      this.sent,
      cfg.stepW,
      plan.budgetW,
      this.config.stationMinPowerW,
    );
    const previous = new Map(this.allocations.map((a) => [a.transaction_id, a]));
    const toSend = new Map<string, { tx: TransactionEntity; limitW: number; changed: boolean }[]>();
    for (const s of sessions) {
      const tx = byTx.get(s.transactionId);
      if (!tx) continue;
      const base = { station_id: tx.stationId, connector_id: tx.connectorId, transaction_id: tx.id };
      if (!s.controllable) {
        const c = this.controlOf(tx.stationId);
        rows.push({
          ...base,
          limit_w: Math.round(s.measuredW ?? s.maxW),
          sent_as: null,
          status: 'uncontrolled',
          state: s.state,
          measured_w: s.measuredW,
          ...(c.reason && { message: c.reason }),
        });
        continue;
      }
      const limitW = effective.get(tx.id) ?? 0;
      const before = previous.get(tx.id);
      const changed = send.has(tx.id);
      const busy = this.inFlight.has(tx.stationId);
      rows.push({
        ...base,
        limit_w: limitW,
        sent_as: before?.sent_as ?? null,
        status: changed && !busy ? 'pending' : (before?.status ?? 'pending'),
        state: s.state,
        measured_w: s.measuredW,
        ...(before?.message && !changed && { message: before.message }),
      });
      const list = toSend.get(tx.stationId) ?? [];
      list.push({ tx, limitW, changed });
      toSend.set(tx.stationId, list);
    }
    this.allocations = rows;
    this.uncontrolledW = plan.uncontrolledW;
    this.budgetW = plan.budgetW;
    this.plannedAt = new Date(now);
    this.planToken = token;
    for (const [stationId, items] of toSend) {
      // A station still answering the last plan is left to it; the next review catches up.
      if (!items.some((i) => i.changed) || this.inFlight.has(stationId)) continue;
      const run = this.sendStation(stationId, items, token).finally(() => this.inFlight.delete(stationId));
      this.inFlight.set(stationId, run);
    }
  }

  /** Sends a station its shares, down the fallback ladder from the purpose it accepted last. */
  private async sendStation(
    stationId: string,
    items: { tx: TransactionEntity; limitW: number; changed: boolean }[],
    token: number,
  ): Promise<void> {
    const c = this.controlOf(stationId);
    const start = c.controllable && c.mode ? LADDER.indexOf(c.mode) : 0;
    let message = '';
    for (const purpose of LADDER.slice(start)) {
      const calls: { connectorId: number; profile: ChargingProfile }[] =
        purpose === 'ChargePointMaxProfile'
          ? [
              {
                connectorId: 0,
                profile: this.profile(
                  purpose,
                  SITE_PROFILE_BASE_ID,
                  items.reduce((sum, i) => sum + i.limitW, 0),
                ),
              },
            ]
          : items
              .filter((i) => i.changed || purpose !== c.mode)
              .map((i) => ({
                connectorId: i.tx.connectorId,
                profile: this.profile(purpose, SITE_PROFILE_BASE_ID + i.tx.connectorId, i.limitW, i.tx.id),
              }));
      const outcomes = await Promise.all(
        calls.map((call) => this.trySend(stationId, call.connectorId, call.profile, token)),
      );
      const failed = outcomes.find((o): o is Exclude<SendOutcome, { ok: true }> => !o.ok);
      if (!failed) {
        Object.assign(c, { controllable: true, mode: purpose, reason: null, retryAt: null, failures: 0 });
        for (const i of items) {
          this.sent.set(i.tx.id, i.limitW);
          this.leader.saveSent(i.tx.id, i.limitW);
        }
        this.mark(items, { status: 'applied', sent_as: purpose });
        return;
      }
      // Another replica leads now: what it plans replaces this plan; nothing more is sent or marked.
      if (failed.kind === 'fenced') return;
      if (failed.kind === 'unreachable') {
        this.mark(items, { status: 'error', message: failed.message });
        return;
      }
      message = failed.message;
      if (failed.kind === 'no_smart_charging') break;
    }
    c.failures++;
    const backoffS = this.config.site.retryAfterS * 2 ** Math.min(c.failures - 1, MAX_BACKOFF_DOUBLINGS);
    Object.assign(c, {
      controllable: false,
      mode: null,
      reason: message,
      retryAt: new Date(Date.now() + backoffS * 1000),
    });
    for (const i of items) {
      this.sent.delete(i.tx.id);
      this.leader.saveSent(i.tx.id, null);
    }
    this.mark(items, { status: 'rejected', sent_as: null, message });
    this.logger.warn(
      `${stationId}: takes no site-limit profile (${message}); counted as uncontrolled, tried again in ${backoffS} s`,
    );
    // Re-plan with its draw measured instead of steered.
    this.debouncer.trigger();
  }

  private profile(
    purpose: SiteProfilePurpose,
    profileId: number,
    limitW: number,
    transactionId?: number,
  ): ChargingProfile {
    return siteLimitProfile({ profileId, stackLevel: SITE_STACK_LEVEL, purpose, limitW, transactionId });
  }

  private mark(
    items: { tx: TransactionEntity }[],
    update: Partial<Pick<Allocation, 'status' | 'sent_as' | 'message'>>,
  ): void {
    const ids = new Set(items.map((i) => i.tx.id));
    for (const a of this.allocations) {
      if (!ids.has(a.transaction_id)) continue;
      Object.assign(a, update);
      if (update.status === 'applied') delete a.message;
    }
  }

  /**
   * One SetChargingProfile with the site's own deadline, retried with back-off while no answer
   * comes; a CALLERROR or a timeout after the last attempt counts as a refusal. Before every
   * attempt Redis confirms the lease of `token` is still ours.
   */
  private async trySend(
    stationId: string,
    connectorId: number,
    profile: ChargingProfile,
    token: number,
  ): Promise<SendOutcome> {
    const { outcome, attempts } = await retryWithBackoff(
      () => this.sendOnce(stationId, connectorId, profile, token),
      (o) => !o.ok && (o.transient === true || o.kind === 'unreachable'),
      { attempts: this.config.site.sendAttempts, baseMs: this.config.site.sendBackoffMs },
    );
    this.profilesSent.inc({ outcome: outcome.ok ? 'accepted' : outcome.kind });
    if (!outcome.ok && outcome.kind !== 'fenced' && (outcome.transient || outcome.kind === 'unreachable'))
      this.reportFailure(stationId, connectorId, profile, attempts, outcome.message, outcome.kind);
    return outcome;
  }

  private reportFailure(
    stationId: string,
    connectorId: number,
    profile: ChargingProfile,
    attempts: number,
    message: string,
    kind: string,
  ): void {
    this.failedSends.inc({ kind: kind === 'unreachable' ? 'unreachable' : 'timeout' });
    this.logger.warn(
      `${stationId}: site profile ${profile.chargingProfileId} (connector ${connectorId}) failed after ${attempts} attempts: ${message}`,
    );
    this.failures.unshift({
      station_id: stationId,
      connector_id: connectorId,
      transaction_id: profile.transactionId ?? null,
      purpose: profile.chargingProfilePurpose,
      attempts,
      message,
      at: new Date().toISOString(),
    });
    this.failures.length = Math.min(this.failures.length, FAILED_SENDS_KEPT);
  }

  private async sendOnce(
    stationId: string,
    connectorId: number,
    profile: ChargingProfile,
    token: number,
  ): Promise<SendOutcome> {
    const timeoutMs = this.config.site.callTimeoutMs;
    if (!(await this.leader.holds(token)))
      return { ok: false, kind: 'fenced', message: `the lease of fencing token ${token} is no longer held` };
    try {
      const result = await withDeadline(
        this.smartCharging.send(stationId, connectorId, profile, { timeoutMs, fencingToken: token }),
        timeoutMs + 250,
        `${stationId} SetChargingProfile`,
      );
      return result.status === 'success' ? { ok: true } : { ok: false, kind: 'refused', message: result.message };
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof BadRequestException) return { ok: false, kind: 'no_smart_charging', message };
      if (error instanceof ServiceUnavailableException || error instanceof NotFoundException)
        return { ok: false, kind: 'unreachable', message };
      // The station's replica saw that our lease is gone (409): fenced, as if checked here.
      if (error instanceof HttpException && error.getStatus() === 409) return { ok: false, kind: 'fenced', message };
      // No answer (our deadline, the station's or its replica's): retried before it counts as a refusal.
      const transient = error instanceof GatewayTimeoutException || !(error instanceof HttpException);
      return { ok: false, kind: 'refused', message, transient };
    }
  }

  /** Without a limit, the profiles the site limit sent are taken back (each with the site's deadline). */
  private async lift(): Promise<void> {
    const timeoutMs = this.config.site.callTimeoutMs;
    const clears = this.allocations
      .filter((a) => a.sent_as !== null)
      .map((a) => ({
        stationId: a.station_id,
        profileId: SITE_PROFILE_BASE_ID + (a.sent_as === 'ChargePointMaxProfile' ? 0 : a.connector_id),
      }))
      .filter((c, i, all) => all.findIndex((x) => x.stationId === c.stationId && x.profileId === c.profileId) === i);
    this.allocations = [];
    this.sent.clear();
    this.leader.clearSent();
    this.uncontrolledW = 0;
    this.budgetW = null;
    await Promise.all(
      clears.map((c) =>
        withDeadline(
          this.smartCharging.clear(c.stationId, { profile_id: c.profileId }, { timeoutMs }),
          timeoutMs + 250,
          `${c.stationId} ClearChargingProfile`,
        ).catch((error: Error) =>
          this.logger.warn(`${c.stationId}: could not clear the site profile: ${error.message}`),
        ),
      ),
    );
  }
}
