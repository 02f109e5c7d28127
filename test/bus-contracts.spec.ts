import {
  BessSetPointCommand,
  DEVICE_TOPICS,
  DeviceCommandMessage,
  STATION_TOPICS,
  TOPIC_REGISTRY,
  buildTopic,
  isoSeconds,
  matchTopic,
  readBessSetPointResult,
} from '@lib/contracts';
import { DEFAULT_DECODE_OPTIONS, decodeBusMessage, encodeBusMessage } from '@lib/messaging';
import {
  aValidReading,
  aValidStationMeter,
  aValidStationStatus,
  badAcks,
  badCommands,
  badStationMeter,
  badStationStatus,
  badTelemetry,
} from './support/bus-corpus';

const DEVICE = 'fuzz-unit-bess-3';

describe('bus contracts (libs/contracts registry + decodeBusMessage)', () => {
  it('derives the topic builders from the registry', () => {
    expect(DEVICE_TOPICS.data('bess-1')).toBe('energy/devices/bess-1/data');
    expect(DEVICE_TOPICS.allCommandAcks).toBe('energy/devices/+/commands/ack');
    expect(buildTopic(TOPIC_REGISTRY.deviceCommandAcks, 'x')).toBe('energy/devices/x/commands/ack');
    expect(matchTopic(TOPIC_REGISTRY.deviceData, 'energy/devices/pcs-2/data')).toEqual({ device_id: 'pcs-2' });
    expect(matchTopic(TOPIC_REGISTRY.deviceData, 'energy/devices/pcs-2/status')).toBeNull();
  });

  it.each(['bess', 'pcs', 'meter', 'pv_inverter', 'server'] as const)('accepts a valid %s reading', (kind) => {
    const message = aValidReading(kind, DEVICE);
    const result = decodeBusMessage(TOPIC_REGISTRY.deviceData, DEVICE_TOPICS.data(DEVICE), JSON.stringify(message));
    expect(result).toMatchObject({ ok: true, topicParams: { device_id: DEVICE } });
    if (result.ok && kind !== 'server') expect(result.value.constructor.name).not.toBe('DeviceDataMessage');
  });

  it.each(badTelemetry(DEVICE).map((c) => [c.name, c] as const))('refuses telemetry: %s', (_name, bad) => {
    const result = decodeBusMessage(TOPIC_REGISTRY.deviceData, bad.topic, bad.payload);
    expect(result.ok).toBe(false);
  });

  it.each(badAcks(DEVICE, 'c-1').map((c) => [c.name, c] as const))('refuses an acknowledgement: %s', (_name, bad) => {
    expect(decodeBusMessage(TOPIC_REGISTRY.deviceCommandAcks, bad.topic, bad.payload).ok).toBe(false);
  });

  it.each(badCommands(DEVICE).map((c) => [c.name, c] as const))('refuses a command: %s', (_name, bad) => {
    expect(decodeBusMessage(TOPIC_REGISTRY.deviceCommands, bad.topic, bad.payload).ok).toBe(false);
  });

  it('accepts a valid station status and meter message, and encodes what it decodes', () => {
    const status = aValidStationStatus('cp-7');
    expect(
      decodeBusMessage(TOPIC_REGISTRY.stationStatus, STATION_TOPICS.status('cp-7'), JSON.stringify(status)),
    ).toMatchObject({ ok: true, topicParams: { station_id: 'cp-7' } });
    const meter = aValidStationMeter('cp-7');
    const encoded = encodeBusMessage(TOPIC_REGISTRY.stationMeter, ['cp-7'], meter);
    expect(encoded).toMatchObject({ ok: true, topic: 'energy/stations/cp-7/meter', qos: 1, retain: false });
    if (encoded.ok) expect(decodeBusMessage(TOPIC_REGISTRY.stationMeter, encoded.topic, encoded.payload).ok).toBe(true);
    expect(encodeBusMessage(TOPIC_REGISTRY.stationStatus, ['cp-7'], status)).toMatchObject({ ok: true, retain: true });
  });

  it('refuses to encode what a receiver would refuse: bounds, the echoed id, topic levels', () => {
    const meter = aValidStationMeter('cp-7');
    expect(encodeBusMessage(TOPIC_REGISTRY.stationMeter, ['cp-7'], { ...meter, power_w: -1 })).toMatchObject({
      ok: false,
      fields: ['power_w'],
    });
    expect(encodeBusMessage(TOPIC_REGISTRY.stationMeter, ['cp-8'], meter)).toMatchObject({
      ok: false,
      fields: ['station_id'],
    });
    expect(encodeBusMessage(TOPIC_REGISTRY.stationMeter, ['cp/#'], { ...meter, station_id: 'cp/#' }).ok).toBe(false);
    expect(encodeBusMessage(TOPIC_REGISTRY.stationMeter, [], meter).ok).toBe(false);
  });

  it.each(badStationStatus('cp-7').map((c) => [c.name, c] as const))('refuses a station status: %s', (_name, bad) => {
    expect(decodeBusMessage(TOPIC_REGISTRY.stationStatus, bad.topic, bad.payload).ok).toBe(false);
  });

  it.each(badStationMeter('cp-7').map((c) => [c.name, c] as const))('refuses a station meter: %s', (_name, bad) => {
    expect(decodeBusMessage(TOPIC_REGISTRY.stationMeter, bad.topic, bad.payload).ok).toBe(false);
  });

  it('takes the clock skew from the options', () => {
    const message = { ...aValidReading('server', DEVICE), timestamp: isoSeconds(new Date(Date.now() - 3_600_000)) };
    const decode = (pastS: number) =>
      decodeBusMessage(TOPIC_REGISTRY.deviceData, DEVICE_TOPICS.data(DEVICE), JSON.stringify(message), {
        ...DEFAULT_DECODE_OPTIONS,
        skew: { pastS, futureS: 300 },
      }).ok;
    expect(decode(7200)).toBe(true);
    expect(decode(600)).toBe(false);
  });

  it('says why: the reason and the field', () => {
    const message = { ...aValidReading('bess', DEVICE), soc_pct: 1e300 };
    expect(
      decodeBusMessage(TOPIC_REGISTRY.deviceData, DEVICE_TOPICS.data(DEVICE), JSON.stringify(message)),
    ).toMatchObject({ ok: false, reason: 'invalid', fields: ['soc_pct'] });
    expect(
      decodeBusMessage(TOPIC_REGISTRY.deviceData, DEVICE_TOPICS.data('other-1'), JSON.stringify(message)),
    ).toMatchObject({
      ok: false,
    });
  });

  describe('the battery set-point (set_power with power_kw, BessSetPointCommand)', () => {
    const topic = DEVICE_TOPICS.commands(DEVICE);
    const decode = (body: unknown) =>
      decodeBusMessage(TOPIC_REGISTRY.deviceCommands, topic, typeof body === 'string' ? body : JSON.stringify(body));

    it.each([-250, 0, 120.5])('takes power_kw %p as a BessSetPointCommand', (power) => {
      const result = decode({ command: 'set_power', parameters: { power_kw: power }, command_id: 'c-1' });
      expect(result).toMatchObject({ ok: true, value: { parameters: { power_kw: power } } });
      if (result.ok) expect(result.value).toBeInstanceOf(BessSetPointCommand);
    });

    it("leaves a load's set_power (parameters.power) a plain command", () => {
      const result = decode({ command: 'set_power', parameters: { power: 30 } });
      expect(result.ok && result.value.constructor).toBe(DeviceCommandMessage);
    });

    it.each([
      ['power_kw as a string', { command: 'set_power', parameters: { power_kw: '5' } }],
      ['power_kw null', { command: 'set_power', parameters: { power_kw: null } }],
      ['power_kw beyond the bounds', { command: 'set_power', parameters: { power_kw: -1e300 } }],
      ['an unknown parameter beside it', { command: 'set_power', parameters: { power_kw: 5, force: true } }],
      ['NaN spelled out', '{"command":"set_power","parameters":{"power_kw":NaN}}'],
    ])('refuses %s', (_name, body) => {
      expect(decode(body)).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid|not_json/) });
    });

    it("reads the acknowledgement's result, and nothing else as one", () => {
      expect(
        readBessSetPointResult({ status: 'clamped', requested_kw: -900, power_kw: -250, reason: 'power_rating' }),
      ).toMatchObject({
        status: 'clamped',
        power_kw: -250,
      });
      for (const bad of [
        null,
        [],
        'accepted',
        { status: 'maybe', requested_kw: 1, power_kw: 1 },
        { status: 'accepted', requested_kw: 1 },
      ])
        expect(readBessSetPointResult(bad)).toBeNull();
    });
  });
});
