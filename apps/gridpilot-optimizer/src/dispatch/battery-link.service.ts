import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import {
  BessSetPointCommand,
  BessSetPointStatus,
  DEVICE_TOPICS,
  DeviceCommandAck,
  TOPIC_REGISTRY,
  isoSeconds,
  readBessSetPointResult,
} from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, decodeOptions } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import type { Counter } from 'prom-client';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { r3 } from '../round';
import { SiteLink } from '../site-link';
import type { BatteryLinkDto } from './battery-link.dto';
import type { TargetResult } from './dispatch.service';
import { batterySetPointKw } from './limits';

/**
 * Where the BESS stands for the planner: `unknown` until it first answers, `available` while it
 * acknowledges its set-points, and `refused`, `timeout` or `offline` (no broker) after a set-point
 * that did not take. Only `unknown` and `available` let the plan use the battery.
 */
export type BatteryLinkState = 'not_configured' | 'unknown' | 'available' | 'refused' | 'timeout' | 'offline';

export interface BatteryOutcome {
  target: TargetResult;
  /** The battery power the BESS took, in the plan's sign (kW, + charging); 0 when it did not answer or refused. */
  appliedKw: number;
}

/**
 * The BESS as a dispatch target: sends the plan's battery power as a set-point (BessSetPointCommand,
 * `power_kw` + discharge, − charge), clamped by batterySetPointKw, and reads the acknowledgement.
 * A battery that refuses, does not answer within DEVICE_COMMAND_TIMEOUT_MS or cannot be reached is
 * planned around (0 kW, OptimizerService) until it acknowledges again; while it is out, the
 * control loop probes it with a 0 kW set-point once per control period.
 */
@Injectable()
export class BatteryLinkService implements OnModuleInit {
  private readonly logger = new Logger('battery');
  readonly deviceId: string | null;
  state: BatteryLinkState;
  /** Since when the state holds. */
  since = new Date();
  lastAckAt: Date | null = null;
  lastError: string | null = null;
  /** The last set-point sent and what the BESS applied (kW, + discharge, − charge). */
  requestedKw: number | null = null;
  appliedKw: number | null = null;
  resultStatus: BessSetPointStatus | null = null;
  resultReason: string | null = null;
  sent = 0;
  failed = 0;
  private lastAttemptAt = 0;
  private probing = false;
  private readonly pending = new Map<string, (ack: DeviceCommandAck) => void>();
  private readonly invalid: BusInvalidMessages;
  private readonly decodeOptions: DecodeOptions;
  private readonly outcomes: Counter<'result'>;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly link: SiteLink,
    metrics: MetricsService,
  ) {
    this.deviceId = config.bessDeviceId;
    this.state = this.deviceId ? 'unknown' : 'not_configured';
    this.invalid = new BusInvalidMessages(metrics, 'gridpilot-optimizer');
    this.decodeOptions = decodeOptions(config.mqtt?.validation);
    this.outcomes = metrics.counter('gridpilot_bess_setpoints_total', 'BESS set-points sent, by outcome', ['result']);
  }

  onModuleInit(): void {
    const mqtt = this.link.mqtt;
    if (!mqtt || !this.deviceId) return;
    const ackTopic = DEVICE_TOPICS.commandAck(this.deviceId);
    mqtt.onEveryConnect(() => mqtt.client.subscribe(ackTopic, { qos: 1 }));
    mqtt.client.on('message', (topic, payload) => {
      if (topic !== ackTopic) return;
      const ack = this.invalid.decode(TOPIC_REGISTRY.deviceCommandAcks, topic, payload, this.decodeOptions);
      if (ack?.value.command_id) this.pending.get(ack.value.command_id)?.(ack.value);
    });
  }

  /** Whether the next plan may use the battery: none is driven, or it has not failed its last set-point. */
  get available(): boolean {
    return this.state === 'not_configured' || this.state === 'unknown' || this.state === 'available';
  }

  /** Sends the plan's battery power (`batteryKw`, + charging) at SOC `soc` and waits for the ack. */
  async send(batteryKw: number, soc: number): Promise<BatteryOutcome> {
    const deviceId = this.deviceId;
    const target = `bess:${deviceId ?? 'none'}`;
    const powerKw = batterySetPointKw(this.config.battery, batteryKw, soc);
    const detail: Record<string, unknown> = { requested_kw: powerKw };
    if (!deviceId) return { target: { target, ok: false, detail, error: 'BESS_DEVICE_ID is not set' }, appliedKw: 0 };
    this.lastAttemptAt = Date.now();
    this.requestedKw = powerKw;
    this.sent += 1;
    const mqtt = this.link.mqtt;
    if (!mqtt?.connected) return this.fail('offline', target, detail, 'MQTT broker unavailable');
    const commandId = randomUUID();
    const timeoutMs = this.config.deviceCommandTimeoutMs;
    const ack = new Promise<DeviceCommandAck | null>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(commandId);
        resolve(null);
      }, timeoutMs);
      this.pending.set(commandId, (a) => {
        clearTimeout(timer);
        this.pending.delete(commandId);
        resolve(a);
      });
    });
    const command: BessSetPointCommand = {
      command: 'set_power',
      parameters: { power_kw: powerKw },
      command_id: commandId,
    };
    try {
      await mqtt.publishJson(DEVICE_TOPICS.commands(deviceId), command, { qos: 1 });
    } catch (error) {
      this.pending.delete(commandId);
      return this.fail('offline', target, detail, `not delivered to the broker: ${(error as Error).message}`);
    }
    const answer = await ack;
    if (!answer) return this.fail('timeout', target, detail, `no acknowledgement within ${timeoutMs} ms`);
    this.lastAckAt = new Date();
    const result = readBessSetPointResult(answer.result);
    if (!answer.success || !result) {
      this.resultStatus = result?.status ?? 'rejected';
      this.resultReason = result?.reason ?? null;
      this.appliedKw = 0;
      const why = answer.success ? 'acknowledged without a set-point result' : (answer.error ?? 'refused');
      return this.fail('refused', target, { ...detail, ...(answer.result ?? {}) }, why);
    }
    this.resultStatus = result.status;
    this.resultReason = result.reason ?? null;
    this.appliedKw = result.power_kw;
    this.lastError = null;
    this.setState('available');
    this.outcomes.inc({ result: result.status });
    return {
      target: {
        target,
        ok: true,
        detail: {
          requested_kw: powerKw,
          power_kw: result.power_kw,
          status: result.status,
          ...(result.reason ? { reason: result.reason } : {}),
          ...(result.soc_pct !== undefined ? { soc_pct: result.soc_pct } : {}),
        },
      },
      appliedKw: result.power_kw === 0 ? 0 : -result.power_kw,
    };
  }

  /**
   * The battery's part of a dispatch: the set-point, waited for, while the BESS is in the plan;
   * while it is out, nothing is waited for (the dispatch is not held up by a silent BESS): a probe
   * goes out if one is due, and the target says the battery is planned around.
   */
  async dispatch(batteryKw: number, soc: number): Promise<BatteryOutcome> {
    if (this.available) return this.send(batteryKw, soc);
    void this.probe(soc).catch((error: Error) => this.logger.warn(`BESS probe: ${error.message}`));
    return {
      target: {
        target: `bess:${this.deviceId ?? 'none'}`,
        ok: false,
        detail: { requested_kw: 0, state: this.state },
        error: `planned at 0 kW while the BESS is ${this.state} (${this.lastError ?? 'no answer'})`,
      },
      appliedKw: 0,
    };
  }

  /**
   * While the battery is out of the plan: a 0 kW set-point once per control period, so it comes
   * back into the plan as soon as it answers (the next plan uses it).
   */
  async probe(soc: number, now = Date.now()): Promise<void> {
    if (!this.deviceId || this.available || this.probing) return;
    if (now - this.lastAttemptAt < this.config.control.periodMs) return;
    this.probing = true;
    try {
      await this.send(0, soc);
    } finally {
      this.probing = false;
    }
  }

  /** The battery's part of the status endpoint. */
  view(): BatteryLinkDto {
    return {
      device_id: this.deviceId,
      state: this.state,
      available: this.available,
      planned_around: !this.available,
      since: isoSeconds(this.since),
      last_setpoint_kw: this.requestedKw === null ? null : r3(this.requestedKw),
      applied_kw: this.appliedKw === null ? null : r3(this.appliedKw),
      last_result: this.resultStatus,
      last_reason: this.resultReason,
      last_error: this.lastError,
      last_ack_at: this.lastAckAt ? isoSeconds(this.lastAckAt) : null,
      sign: 'power_kw > 0 discharges, < 0 charges',
      setpoints_sent: this.sent,
      setpoints_failed: this.failed,
    };
  }

  private fail(
    state: 'refused' | 'timeout' | 'offline',
    target: string,
    detail: Record<string, unknown>,
    error: string,
  ): BatteryOutcome {
    this.failed += 1;
    this.lastError = error;
    this.outcomes.inc({ result: state });
    this.setState(state);
    return { target: { target, ok: false, detail, error }, appliedKw: 0 };
  }

  private setState(state: BatteryLinkState): void {
    if (state === this.state) return;
    if (state === 'available') this.logger.log(`BESS ${this.deviceId} answers again: back in the plan`);
    else this.logger.warn(`BESS ${this.deviceId} ${state} (${this.lastError ?? ''}): planned at 0 kW until it answers`);
    this.state = state;
    this.since = new Date();
  }
}
