import {
  BadRequestException,
  GatewayTimeoutException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import type { SiteFailedSendDto, SiteProfilePurpose } from '@lib/contracts';
import { ChargingProfile, siteLimitProfile } from '@lib/ocpp';
import { MetricsService } from '@lib/observability';
import { Counter } from 'prom-client';
import { CSMS_CONFIG } from '../csms.tokens';
import { SmartChargingService } from '../smart-charging/smart-charging.service';
import { retryWithBackoff } from './retry';
import type { Allocation, SendItem } from './site-allocation';
import { SiteLeaderService } from './site-leader.service';
import { StationControlBook } from './station-control';

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

/** What a station's answers change in the plan's rows (and whether it is worth re-planning). */
export interface SendListener {
  mark(items: SendItem[], update: Partial<Pick<Allocation, 'status' | 'sent_as' | 'message'>>): void;
  replan(): void;
}

/** Profile ids and stack level the site limit uses, kept apart from operators' own profiles. */
export const SITE_PROFILE_BASE_ID = 900_000;
export const SITE_STACK_LEVEL = 8;
/** The fallback ladder: a station refusing one purpose is tried with the next. */
const LADDER: SiteProfilePurpose[] = ['TxProfile', 'ChargePointMaxProfile', 'TxDefaultProfile'];
/** Failed sends kept for the site status. */
const FAILED_SENDS_KEPT = 20;

export const withDeadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};

/**
 * Sends the site plan's shares: to every station at once, one send in flight per station, down
 * the fallback ladder from the purpose it accepted last. Every SetChargingProfile has the site's
 * own deadline, is retried with back-off while no answer comes (SITE_SEND_ATTEMPTS from
 * SITE_SEND_BACKOFF_MS), and goes only after Redis confirms the lease of the plan's fencing token
 * is still held. Keeps the shares stations accepted (in Redis too, for the next leader) and the
 * sends that failed after every retry.
 */
@Injectable()
export class SiteProfileSender {
  private readonly logger = new Logger('site-load');
  /** The limit (W) each session's station accepted last. */
  readonly sent = new Map<number, number>();
  /** Sends in flight, by station: one at a time per station; a silent one delays nobody else. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly failures: SiteFailedSendDto[] = [];
  private readonly profilesSent: Counter<'outcome'>;
  private readonly failedSends: Counter<'kind'>;
  private listener: SendListener = { mark: () => undefined, replan: () => undefined };

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly smartCharging: SmartChargingService,
    private readonly leader: SiteLeaderService,
    private readonly control: StationControlBook,
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
  }

  listen(listener: SendListener): void {
    this.listener = listener;
  }

  get failedSendsView(): SiteFailedSendDto[] {
    return [...this.failures];
  }

  busy(stationId: string): boolean {
    return this.inFlight.has(stationId);
  }

  /** The shares accepted before, as the last leader left them in Redis. */
  async restore(): Promise<void> {
    const sent = await this.leader.loadSent();
    this.sent.clear();
    for (const [tx, w] of sent) this.sent.set(tx, w);
  }

  /** The session ended: its share is forgotten. */
  forget(transactionId: number): void {
    this.sent.delete(transactionId);
    this.leader.saveSent(transactionId, null);
  }

  /** Sends each station with a changed share its shares, unless it is still answering the last plan. */
  dispatch(toSend: Map<string, SendItem[]>, token: number): void {
    for (const [stationId, items] of toSend) {
      // A station still answering the last plan is left to it; the next review catches up.
      if (!items.some((i) => i.changed) || this.inFlight.has(stationId)) continue;
      const run = this.sendStation(stationId, items, token).finally(() => this.inFlight.delete(stationId));
      this.inFlight.set(stationId, run);
    }
  }

  /** Waits for the sends in flight, at most `ms`. */
  async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight.values()]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Without a limit, the profiles the site limit sent are taken back (each with the site's deadline). */
  async clear(allocations: Allocation[]): Promise<void> {
    const timeoutMs = this.config.site.callTimeoutMs;
    const clears = allocations
      .filter((a) => a.sent_as !== null)
      .map((a) => ({
        stationId: a.station_id,
        profileId: SITE_PROFILE_BASE_ID + (a.sent_as === 'ChargePointMaxProfile' ? 0 : a.connector_id),
      }))
      .filter((c, i, all) => all.findIndex((x) => x.stationId === c.stationId && x.profileId === c.profileId) === i);
    this.sent.clear();
    this.leader.clearSent();
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

  /** Sends a station its shares, down the fallback ladder from the purpose it accepted last. */
  private async sendStation(stationId: string, items: SendItem[], token: number): Promise<void> {
    const c = this.control.of(stationId);
    const start = c.controllable && c.mode ? LADDER.indexOf(c.mode) : 0;
    let message = '';
    for (const purpose of LADDER.slice(start)) {
      const calls: { connectorId: number; profile: ChargingProfile }[] =
        purpose === 'ChargePointMaxProfile'
          ? [
              {
                connectorId: 0,
                profile: profile(
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
                profile: profile(purpose, SITE_PROFILE_BASE_ID + i.tx.connectorId, i.limitW, i.tx.id),
              }));
      const outcomes = await Promise.all(
        calls.map((call) => this.trySend(stationId, call.connectorId, call.profile, token)),
      );
      const failed = outcomes.find((o): o is Exclude<SendOutcome, { ok: true }> => !o.ok);
      if (!failed) {
        this.control.accepted(stationId, purpose);
        for (const i of items) {
          this.sent.set(i.tx.id, i.limitW);
          this.leader.saveSent(i.tx.id, i.limitW);
        }
        this.listener.mark(items, { status: 'applied', sent_as: purpose });
        return;
      }
      // Another replica leads now: what it plans replaces this plan; nothing more is sent or marked.
      if (failed.kind === 'fenced') return;
      if (failed.kind === 'unreachable') {
        this.listener.mark(items, { status: 'error', message: failed.message });
        return;
      }
      message = failed.message;
      if (failed.kind === 'no_smart_charging') break;
    }
    const backoffS = this.control.refused(stationId, message);
    for (const i of items) this.forget(i.tx.id);
    this.listener.mark(items, { status: 'rejected', sent_as: null, message });
    this.logger.warn(
      `${stationId}: takes no site-limit profile (${message}); counted as uncontrolled, tried again in ${backoffS} s`,
    );
    // Re-plan with its draw measured instead of steered.
    this.listener.replan();
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
}

function profile(
  purpose: SiteProfilePurpose,
  profileId: number,
  limitW: number,
  transactionId?: number,
): ChargingProfile {
  return siteLimitProfile({ profileId, stackLevel: SITE_STACK_LEVEL, purpose, limitW, transactionId });
}
