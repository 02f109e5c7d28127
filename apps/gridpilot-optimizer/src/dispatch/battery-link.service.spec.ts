import { loadGridpilotConfig } from '../gridpilot-optimizer.config';
import { isoSeconds } from '@lib/contracts';
import { MetricsService } from '@lib/observability';
import type { SiteLink } from '../site-link';
import { BatteryLinkService } from './battery-link.service';
import { fakeBroker } from './fake-broker';

const BESS = 'bess-unit-7';
type Json = Record<string, unknown>;
type Answer = (command: Json) => Json | string | null;

function link(answer: Answer, env: Record<string, string> = {}) {
  const config = loadGridpilotConfig({
    BESS_DEVICE_ID: BESS,
    DEVICE_COMMAND_TIMEOUT_MS: '200',
    CONTROL_PERIOD_S: '1',
    ...env,
  });
  const broker = fakeBroker(answer);
  const service = new BatteryLinkService(
    config,
    { mqtt: broker.mqtt } as unknown as SiteLink,
    new MetricsService('gridpilot-test'),
  );
  service.onModuleInit();
  return { service, sent: broker.sent };
}

/** An ack as iot-mock's BESS sends it. */
const ack = (command: Json, fields: Json): Json => ({
  device_id: BESS,
  command_id: command.command_id,
  command: 'set_power',
  timestamp: isoSeconds(),
  ...fields,
});
const powerOf = (command: Json): number => (command.parameters as { power_kw: number }).power_kw;

describe('BatteryLinkService (the BESS as a dispatch target)', () => {
  it('sends the plan’s charge as a negative power_kw, and takes what the BESS applied', async () => {
    const { service, sent } = link((c) =>
      ack(c, { success: true, result: { status: 'accepted', requested_kw: powerOf(c), power_kw: powerOf(c) } }),
    );
    const outcome = await service.send(120, 0.5);
    expect(sent).toEqual([
      {
        topic: `energy/devices/${BESS}/commands`,
        command: { command: 'set_power', parameters: { power_kw: -120 }, command_id: expect.any(String) },
      },
    ]);
    expect(outcome).toEqual({
      appliedKw: 120,
      target: {
        target: `bess:${BESS}`,
        ok: true,
        detail: { requested_kw: -120, power_kw: -120, status: 'accepted' },
      },
    });
    expect(service.view()).toMatchObject({ state: 'available', planned_around: false, applied_kw: -120 });
  });

  it('a clamp by the BESS counts what it took: the plan then assumes that power', async () => {
    const { service } = link((c) =>
      ack(c, {
        success: true,
        result: { status: 'clamped', requested_kw: powerOf(c), power_kw: 0, reason: 'soc_max' },
      }),
    );
    const outcome = await service.send(-80, 0.5);
    expect(outcome.appliedKw).toBe(0);
    expect(outcome.target).toMatchObject({
      ok: true,
      detail: { requested_kw: 80, status: 'clamped', reason: 'soc_max' },
    });
    expect(service.available).toBe(true);
  });

  it('does not ask a full battery to charge (BATTERY_SOC_MAX), nor more than BATTERY_MAX_POWER_KW', async () => {
    const { service, sent } = link((c) =>
      ack(c, { success: true, result: { status: 'accepted', requested_kw: powerOf(c), power_kw: powerOf(c) } }),
    );
    await service.send(100, 0.9);
    await service.send(-1e6, 0.5);
    expect(sent.map((s) => powerOf(s.command))).toEqual([0, 250]);
  });

  it('a refusal takes the battery out of the plan, with the reason', async () => {
    const { service } = link((c) =>
      ack(c, {
        success: false,
        error: 'the battery is disabled',
        result: { status: 'rejected', requested_kw: powerOf(c), power_kw: 0, reason: 'disabled' },
      }),
    );
    const outcome = await service.send(50, 0.5);
    expect(outcome).toMatchObject({ appliedKw: 0, target: { ok: false, error: 'the battery is disabled' } });
    expect(service.available).toBe(false);
    expect(service.view()).toMatchObject({
      state: 'refused',
      planned_around: true,
      last_result: 'rejected',
      last_reason: 'disabled',
    });
  });

  it.each([
    ['no answer', () => null],
    ['an ack that is not JSON', () => 'not json {'],
    ['an ack for another command id', (c: Json) => ack({ ...c, command_id: 'someone-else' }, { success: true })],
  ] as [string, Answer][])('%s is a timeout', async (_name, answer) => {
    const { service } = link(answer);
    const outcome = await service.send(50, 0.5);
    expect(outcome).toMatchObject({ appliedKw: 0, target: { ok: false, error: 'no acknowledgement within 200 ms' } });
    expect(service.view()).toMatchObject({ state: 'timeout', planned_around: true });
  });

  it('an ack without a set-point result is a refusal (not a BESS that understood)', async () => {
    const { service } = link((c) => ack(c, { success: true, result: { power_setpoint_kw: 5 } }));
    const outcome = await service.send(5, 0.5);
    expect(outcome.target.error).toBe('acknowledged without a set-point result');
    expect(service.state).toBe('refused');
  });

  it('while out of the plan, probes with 0 kW once per control period, and is back at the first ack', async () => {
    let answering = false;
    const { service, sent } = link((c) =>
      answering ? ack(c, { success: true, result: { status: 'accepted', requested_kw: 0, power_kw: 0 } }) : null,
    );
    await service.send(50, 0.5);
    expect(service.state).toBe('timeout');
    const t0 = Date.now();
    await service.probe(0.5, t0 + 100); // inside the period: nothing sent
    expect(sent).toHaveLength(1);
    answering = true;
    await service.probe(0.5, t0 + 1500);
    expect(sent).toHaveLength(2);
    expect(powerOf(sent[1].command)).toBe(0);
    expect(service.view()).toMatchObject({ state: 'available', planned_around: false });
    await service.probe(0.5, t0 + 5000); // available: no probe
    expect(sent).toHaveLength(2);
  });

  it('a dispatch does not wait for a BESS that is out of the plan: 0 kW, and why', async () => {
    const { service } = link(() => null);
    await service.send(50, 0.5);
    const started = Date.now();
    const outcome = await service.dispatch(50, 0.5);
    expect(Date.now() - started).toBeLessThan(100);
    expect(outcome).toEqual({
      appliedKw: 0,
      target: {
        target: `bess:${BESS}`,
        ok: false,
        detail: { requested_kw: 0, state: 'timeout' },
        error: 'planned at 0 kW while the BESS is timeout (no acknowledgement within 200 ms)',
      },
    });
  });

  it('without a broker connection the battery is offline', async () => {
    const { service } = link(() => null);
    (service as unknown as { link: { mqtt: { connected: boolean } } }).link.mqtt.connected = false;
    const outcome = await service.send(10, 0.5);
    expect(outcome.target.error).toBe('MQTT broker unavailable');
    expect(service.state).toBe('offline');
  });
});
