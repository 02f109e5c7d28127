import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import type { SiteChargingPlanDto, SiteStationControlDto } from '@lib/contracts';
import { DatabaseConnection } from '@lib/persistence';
import { CSMS_CONFIG } from '../csms.tokens';
import type { MeterEvent } from '../ocpp/csms-events';
import { StationRouter } from '../ocpp/station-router';
import { TransactionsService } from '../transactions/transactions.service';
import { Debouncer } from './debouncer';
import { SiteProfileSender } from './profile-sender';
import { Allocation, SendItem, allocate } from './site-allocation';
import { SiteLeaderService } from './site-leader.service';
import { SiteLimit, SiteLimitStore, limitInW } from './site-limit.store';
import { SiteEventHandler, SiteRelay } from './site-relay';
import { SiteSessionBook } from './site-sessions';
import { StationControlBook } from './station-control';

export { SITE_PROFILE_BASE_ID, SITE_STACK_LEVEL } from './profile-sender';
export type { Allocation } from './site-allocation';
export type { SiteLimit } from './site-limit.store';
/** A session drawing at least this is charging. */
const DRAWING_W = 100;
/** How long a follower waits for the leader's answer beyond the leader's own deadline. */
const FORWARD_MARGIN_MS = 2_000;

/**
 * Site load management. It measures before it shares: what the loads it cannot steer draw
 * (stations without SmartCharging or refusing every profile, readings of unknown or closed
 * transactions, sessions of stations not connected) comes off the limit with a safety margin, and
 * the rest is shared among the sessions that charge. The pieces: the sessions and their power
 * (SiteSessionBook), each station's way of taking a limit (StationControlBook), the plan step
 * (allocate), the sends with their retries and fencing (SiteProfileSender), and the events of
 * stations on other replicas (SiteRelay). This service holds the limit and the plan, and decides
 * when to plan: on events (debounced), on a review timer, when the limit changes, on taking over.
 *
 * With several replicas only the leader (SiteLeaderService) plans and sends, each send under
 * its fencing token; the others relay their stations' events and forward REST calls to it.
 */
@Injectable()
export class SiteLoadService implements OnApplicationBootstrap, OnApplicationShutdown, SiteEventHandler {
  private readonly logger = new Logger('site-load');
  private allocations: Allocation[] = [];
  private uncontrolledW = 0;
  private budgetW: number | null = null;
  private plannedAt: Date | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly debouncer: Debouncer;
  private review: NodeJS.Timeout | null = null;
  /** The fencing token the current plan was made under. */
  private planToken: number | null = null;

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly database: DatabaseConnection,
    private readonly transactions: TransactionsService,
    private readonly leader: SiteLeaderService,
    private readonly router: StationRouter,
    private readonly limits: SiteLimitStore,
    private readonly sessions: SiteSessionBook,
    private readonly control: StationControlBook,
    private readonly sender: SiteProfileSender,
    relay: SiteRelay,
  ) {
    this.debouncer = new Debouncer('site-rebalance', config.site.debounceMs, () => void this.rebalance());
    sender.listen({ mark: (items, update) => this.mark(items, update), replan: () => this.debouncer.trigger() });
    // Events of this replica's stations: the leader acts on them, a follower relays them to it.
    relay.bind(this);
    leader.onChange((leading) => void (leading ? this.takeOver() : this.stepDown()));
    router.answer('site.view', () => Promise.resolve(this.view() as unknown as Record<string, unknown>));
    router.answer('site.reload', async () => (await this.reload()) as unknown as Record<string, unknown>);
  }

  limitChanged(): void {
    void this.reload();
  }

  transaction(transactionId: number, stopped: boolean): void {
    if (stopped) this.sender.forget(transactionId);
    this.debouncer.trigger();
  }

  stationChanged(): void {
    this.debouncer.trigger();
  }

  /** Uncontrolled load is followed as it changes; a steered session matters when it starts drawing again. */
  meter(e: MeterEvent): void {
    if (!this.current || e.transactionId === null) return;
    if (e.stray) return this.debouncer.trigger();
    const row = this.allocations.find((a) => a.transaction_id === e.transactionId);
    const drawnW = this.sessions.drawnW(e.transactionId);
    const unsteered = row?.status === 'uncontrolled' || row?.status === 'disconnected';
    if (
      !row ||
      (unsteered && Math.abs(drawnW - (row.measured_w ?? 0)) > this.config.site.stepW) ||
      (row.state === 'idle' && drawnW >= DRAWING_W)
    )
      this.debouncer.trigger();
  }

  /**
   * This replica has just become leader: the limit, the sessions' power and the shares stations
   * accepted are read back (database, Redis), and the plan is made at once under the new token.
   */
  private async takeOver(): Promise<void> {
    try {
      await this.database.whenReady();
      await this.limits.load();
      await this.transactions.restore();
      await this.sender.restore();
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

  private get current(): SiteLimit | null {
    return this.limits.current;
  }

  /** On the leader: the limit as stored now, applied; answers once stations answered (or the deadline). */
  private async reload(): Promise<SiteChargingPlanDto> {
    if (!this.leader.isLeader) return this.view();
    await this.limits.load();
    await (this.current ? this.rebalance() : this.lift());
    await this.sender.settled(this.config.site.answerWithinMs);
    return this.view();
  }

  onApplicationBootstrap(): void {
    // After a restart the plan is rebuilt at once from the stored open sessions and their latest
    // power: here when this process is the only one, else by whichever replica takes the lease.
    if (!this.router.enabled) void this.takeOver();
    else
      void this.database
        .whenReady()
        .then(() => this.limits.load())
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
    const stationIds = new Set([...this.control.ids(), ...this.allocations.map((a) => a.station_id)]);
    return {
      role: this.leader.role,
      leader_id: this.leader.isLeader ? this.leader.instanceId : null,
      fencing_token: this.leader.isLeader ? this.planToken : null,
      failed_sends: this.sender.failedSendsView,
      limit: this.current?.limit ?? null,
      unit: this.current?.unit ?? 'W',
      limit_w: this.current ? limitInW(this.current) : null,
      uncontrolled_w: Math.round(this.uncontrolledW),
      budget_w: this.current && this.budgetW !== null ? Math.round(this.budgetW) : null,
      planned_at: this.plannedAt?.toISOString() ?? null,
      allocations: this.allocations,
      stations: [...stationIds].sort().map((id) => this.control.view(id)),
    };
  }

  /** How the site limit reaches a station (shown with the station). */
  stationControl(stationId: string): SiteStationControlDto {
    return this.control.view(stationId);
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
    await this.limits.load().catch(() => undefined);
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
    await this.limits.store(limit);
    this.logger.log(limit ? `site limit set to ${limit.limit} ${limit.unit}` : 'site limit lifted');
    if (this.leader.isLeader) {
      await (limit ? this.rebalance() : this.lift());
      await this.sender.settled(this.config.site.answerWithinMs);
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
    await this.limits.store(limit);
  }

  /** Re-plans now (on the leader only); plans are queued so two never interleave (their sends run on their own). */
  rebalance(): Promise<void> {
    if (!this.leader.isLeader) return Promise.resolve();
    this.queue = this.queue
      .then(() => this.apply())
      .catch((error: Error) => this.logger.error(`re-balance failed: ${error.message}`));
    return this.queue;
  }

  /** One plan under the current fencing token: the sessions, their shares, the sends. */
  private async apply(): Promise<void> {
    const limit = this.current;
    const token = this.leader.token;
    if (!limit || token === null) return;
    const now = Date.now();
    const { sessions, byTx, disconnected, otherUncontrolledW } = await this.sessions.collect(now);
    const cfg = this.config.site;
    const { plan, rows, toSend } = allocate({
      limitW: limitInW(limit),
      sessions,
      byTx,
      otherUncontrolledW,
      sent: this.sender.sent,
      previous: this.allocations,
      busy: (stationId) => this.sender.busy(stationId),
      reasonOf: (stationId) => this.control.of(stationId).reason,
      minW: this.config.stationMinPowerW,
      stepW: cfg.stepW,
      safetyMarginPct: cfg.safetyMarginPct,
      idleShare: cfg.idleShare,
    });
    this.allocations = [...disconnected, ...rows];
    this.uncontrolledW = plan.uncontrolledW;
    this.budgetW = plan.budgetW;
    this.plannedAt = new Date(now);
    this.planToken = token;
    this.sender.dispatch(toSend, token);
  }

  private mark(items: SendItem[], update: Partial<Pick<Allocation, 'status' | 'sent_as' | 'message'>>): void {
    const ids = new Set(items.map((i) => i.tx.id));
    for (const a of this.allocations) {
      if (!ids.has(a.transaction_id)) continue;
      Object.assign(a, update);
      if (update.status === 'applied') delete a.message;
    }
  }

  /** Without a limit, the profiles the site limit sent are taken back. */
  private async lift(): Promise<void> {
    const previous = this.allocations;
    this.allocations = [];
    this.uncontrolledW = 0;
    this.budgetW = null;
    await this.sender.clear(previous);
  }
}
