import { seededRandom } from '@lib/power';
import { type DayClock, loadFactor } from './profiles';
import { CommandError, SimulatedDevice, newDeviceRecord } from './simulated-device';
import { aDevice, at, quiet } from '@lib/testing';

/** A site nine hours ahead of UTC (Tokyo): local noon is 03:00 UTC. */
const TOKYO: DayClock = {
  hourOfDay: (ms) => (new Date(ms).getUTCHours() + 9 + new Date(ms).getUTCMinutes() / 60) % 24,
  date: (ms) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10),
};

describe('daily load profiles', () => {
  it.each([
    ['lighting', '12:00', '03:00'],
    ['industrial', '09:00', '02:00'],
    ['appliance', '12:00', '15:30'],
    ['hvac', '15:00', '09:00'],
  ] as const)('%s draws more at %s than at %s', (type, busy, quietHour) => {
    expect(loadFactor(type, at(busy))).toBeGreaterThan(loadFactor(type, at(quietHour)) * 1.5);
  });

  it("follows the site's clock, not UTC", () => {
    // Offices light up at 07:00 local: 03:00 UTC is noon in Tokyo, 12:00 UTC is 21:00 there.
    expect(loadFactor('lighting', at('03:00'), TOKYO)).toBe(1);
    expect(loadFactor('lighting', at('12:00'), TOKYO)).toBeLessThan(0.5);
    expect(loadFactor('pv_inverter', at('15:00'), TOKYO)).toBe(0);
  });

  it('keeps servers flat around the clock', () => {
    expect(loadFactor('server', at('03:00'))).toBe(loadFactor('server', at('15:00')));
  });
});

describe('a simulated device', () => {
  it('reports power, voltage near nominal, current = P / V and rising seq', () => {
    const device = aDevice({ type: 'lighting' });
    const first = device.read(at('12:00'), quiet)?.message;
    const second = device.read(at('12:00'), quiet)?.message;
    expect(first).toMatchObject({
      device_id: 'mock-lighting-001',
      power: 8.5,
      status: 'online',
      enabled: true,
      seq: 1,
    });
    expect(second?.seq).toBe(2);
    expect(Math.abs((first?.voltage ?? 0) - 230)).toBeLessThanOrEqual(2.35);
    expect(first?.current).toBeCloseTo((8.5 * 1000) / (first?.voltage ?? 1), 1);
  });

  it('uses the three-phase formula for three-phase loads', () => {
    const m = aDevice({ type: 'industrial' }).read(at('09:00'), quiet)?.message;
    expect(m?.current).toBeCloseTo((120 * 1000) / (Math.sqrt(3) * (m?.voltage ?? 1)), 1);
  });

  it('integrates energy over time and never lets it decrease', () => {
    const device = aDevice({ type: 'server' });
    device.read(new Date('2026-11-23T00:00:00Z'), quiet);
    const later = device.read(new Date('2026-11-23T01:00:00Z'), quiet)?.message;
    expect(later?.energy).toBeCloseTo(45 * 0.9, 3);
    device.apply('turn_off', {}, at('01:00'));
    const off = device.read(new Date('2026-11-23T02:00:00Z'), quiet)?.message;
    expect(off?.power).toBe(0);
    expect(off?.energy).toBe(later?.energy);
  });

  it('keeps noise within DATA_VARIATION_PERCENT', () => {
    const device = aDevice({ type: 'server' });
    for (let i = 0; i < 500; i++) {
      const p = device.read(at('12:00'), { variation: 0.1, faultProbability: 0 })?.message.power ?? 0;
      expect(p).toBeGreaterThanOrEqual(45 * 0.9 * 0.9 - 1e-3);
      expect(p).toBeLessThanOrEqual(45 * 0.9 * 1.1 + 1e-3);
    }
  });

  it('follows set_power, and sends nothing while disabled', () => {
    const device = aDevice();
    device.apply('set_power', { power: 30 }, at('12:00'));
    expect(device.read(at('12:00'), quiet)?.message.power).toBe(30);
    device.apply('disable', {}, at('12:00'));
    expect(device.read(at('12:00'), quiet)).toBeNull();
    expect(device.status(at('12:00'))).toMatchObject({ status: 'online', enabled: false });
  });

  it.each([
    ['set_power', { power: -1 }, 'parameters.power'],
    ['set_power', { power: 'lots' }, 'parameters.power'],
    ['set_power', {}, 'parameters.power'],
    ['set_interval', { interval: 0 }, 'parameters.interval'],
    ['inject_fault', { fault: 'meltdown' }, 'parameters.fault'],
    ['inject_fault', { fault: 'stuck', duration_s: -5 }, 'parameters.duration_s'],
  ] as const)('refuses %s %p naming %s', (command, parameters, field) => {
    expect(() => aDevice().apply(command, parameters, at('12:00'))).toThrow(CommandError);
    expect(() => aDevice().apply(command, parameters, at('12:00'))).toThrow(field);
  });

  describe('faults', () => {
    it('offline: no data and an offline status until cleared', () => {
      const device = aDevice();
      device.apply('inject_fault', { fault: 'offline' }, at('12:00'));
      expect(device.read(at('12:00'), quiet)).toBeNull();
      expect(device.status(at('12:00'))).toMatchObject({ status: 'offline', fault: 'offline' });
      device.apply('clear_fault', {}, at('12:00'));
      expect(device.read(at('12:00'), quiet)?.message.status).toBe('online');
    });

    it('stuck: the same power reading again and again', () => {
      const device = aDevice({ type: 'lighting' });
      const before = device.read(at('12:00'), { variation: 0.1, faultProbability: 0 })?.message.power;
      device.apply('inject_fault', { fault: 'stuck' }, at('12:00'));
      for (const hhmm of ['12:05', '21:00', '03:00']) {
        const m = device.read(at(hhmm), { variation: 0.1, faultProbability: 0 })?.message;
        expect(m?.power).toBe(before);
        expect(m?.fault).toBe('stuck');
      }
    });

    it('spike: one reading far above normal, then back', () => {
      const device = aDevice();
      device.apply('inject_fault', { fault: 'spike' }, at('12:00'));
      const spiked = device.read(at('12:00'), quiet)?.message;
      expect(spiked?.power).toBeCloseTo(45 * 0.9 * 3, 3);
      expect(spiked?.fault).toBe('spike');
      expect(device.read(at('12:00'), quiet)?.message.power).toBeCloseTo(45 * 0.9, 3);
    });

    it('comm_error: the reading is lost, so the consumer sees a gap in seq', () => {
      const device = aDevice();
      device.apply('inject_fault', { fault: 'comm_error', duration_s: 1 }, new Date('2026-11-23T12:00:00Z'));
      const lost = device.read(new Date('2026-11-23T12:00:00.500Z'), quiet);
      expect(lost?.send).toBe(false);
      const next = device.read(new Date('2026-11-23T12:00:02Z'), quiet);
      expect(next?.send).toBe(true);
      expect(next?.message.seq).toBe((lost?.message.seq ?? 0) + 1);
    });

    it('random faults happen at FAULT_PROBABILITY and heal by themselves', () => {
      const device = aDevice();
      let faulted = 0;
      let t = Date.parse('2026-11-23T00:00:00Z');
      for (let i = 0; i < 2000; i++, t += 1000) {
        device.read(new Date(t), { variation: 0, faultProbability: 0.05 });
        if (device.fault) faulted++;
      }
      expect(faulted).toBeGreaterThan(0);
      expect(faulted).toBeLessThan(2000);
    });
  });
});

describe('a PV inverter on a site clock', () => {
  const inverter = (): SimulatedDevice =>
    new SimulatedDevice(
      newDeviceRecord({ id: 'pv-1', type: 'pv_inverter', name: 'pv', basePowerKw: 100 }),
      seededRandom(3),
      TOKYO,
    );

  it('produces at local noon and nothing at local midnight', () => {
    const pv = inverter();
    expect(pv.read(at('03:00'), quiet)?.message.power).toBeGreaterThan(30);
    expect(pv.read(at('15:00'), quiet)?.message.power).toBe(0);
  });

  it("starts its daily yield again at the site's midnight (15:00 UTC in Tokyo), not at UTC midnight", () => {
    const pv = inverter();
    const yieldAt = (iso: string): number => {
      const m = pv.read(new Date(iso), quiet)?.message as { inverter?: { daily_power_yields: number } } | undefined;
      return m?.inverter?.daily_power_yields ?? Number.NaN;
    };
    yieldAt('2026-11-23T02:00:00Z');
    const noon = yieldAt('2026-11-23T03:00:00Z');
    expect(noon).toBeGreaterThan(0);
    // Past UTC midnight, still the same local day in Tokyo until 15:00 UTC: the yield keeps counting.
    yieldAt('2026-11-23T08:00:00Z');
    const evening = yieldAt('2026-11-23T09:00:00Z');
    expect(evening).toBeGreaterThan(noon);
    expect(yieldAt('2026-11-23T15:05:00Z')).toBe(0);
  });
});
