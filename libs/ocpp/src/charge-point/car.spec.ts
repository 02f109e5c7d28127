import { carDrawW, carOfEv } from './car';
import { ConnectorState } from './connector';

const HOUR_MS = 3_600_000;

describe('a simulated car', () => {
  const ev = { socPct: 20, capacityKwh: 60, maxCurrentA: 16, phases: 3 as const, idTag: 'EV-1' };

  it('draws its own maximum (current × phases × 230 V) when the limit and the charger allow more', () => {
    const car = carOfEv(ev);
    expect(car.maxPowerW).toBe(16 * 3 * 230);
    expect(carDrawW(car, 22_080, 22_080)).toBe(11_040);
  });

  it('draws no more than the limit of its profiles, nor than the charger gives', () => {
    const car = carOfEv(ev);
    expect(carDrawW(car, 4_000, 22_080)).toBe(4_000);
    expect(carDrawW(car, 22_080, 7_400)).toBe(7_400);
    expect(carDrawW(car, 0, 22_080)).toBe(0);
  });

  it('tapers above 80 % SOC (to 5 % at the least) and stops when full', () => {
    const at = (socPct: number): number => carDrawW(carOfEv({ ...ev, socPct }), 22_080, 22_080);
    expect(at(80)).toBe(11_040);
    expect(at(90)).toBeCloseTo(5_520, 6);
    expect(at(99.5)).toBeCloseTo(11_040 * 0.05, 6);
    expect(at(100)).toBe(0);
  });

  it('without a battery draws its maximum for as long as it is plugged in', () => {
    expect(carDrawW({ idTag: 'T', maxPowerW: 7_000, phases: 1, battery: null }, 22_080, 22_080)).toBe(7_000);
  });
});

describe('a connector’s meter', () => {
  it('counts the power held since the last step, then the car takes what the limit allows now', () => {
    const c = new ConnectorState(1);
    c.car = carOfEv({ socPct: 50, capacityKwh: 50, maxCurrentA: 32, phases: 3, idTag: 'EV' });
    c.transaction = { transactionId: 7, startedAt: new Date() };
    expect(c.advance(HOUR_MS, 10_000, 22_080)).toBe(10_000);
    expect(c.meterWh).toBe(0);
    // An hour at 10 kW: 10 kWh in the register, 20 % of a 50 kWh battery.
    expect(c.advance(HOUR_MS, 5_000, 22_080)).toBe(5_000);
    expect(c.meterWh).toBeCloseTo(10_000, 6);
    expect(c.car.battery?.socPct).toBeCloseTo(70, 6);
    // Half an hour at 5 kW: 2.5 kWh more.
    c.advance(HOUR_MS / 2, 5_000, 22_080);
    expect(c.meterWh).toBeCloseTo(12_500, 6);
    expect(c.car.battery?.socPct).toBeCloseTo(75, 6);
  });

  it('counts nothing without a transaction, and keeps its register across transactions', () => {
    const c = new ConnectorState(1);
    c.car = { idTag: 'T', maxPowerW: 7_000, phases: 3, battery: null };
    expect(c.advance(HOUR_MS, 22_080, 22_080)).toBe(0);
    c.transaction = { transactionId: 1, startedAt: new Date() };
    c.advance(0, 22_080, 22_080);
    c.advance(HOUR_MS, 22_080, 22_080);
    expect(c.meterWh).toBeCloseTo(7_000, 6);
    c.endTransaction();
    expect(c.powerW).toBe(0);
    c.advance(HOUR_MS, 22_080, 22_080);
    expect(c.meterWh).toBeCloseTo(7_000, 6);
  });

  it('never fills a battery past 100 %', () => {
    const c = new ConnectorState(1);
    c.car = carOfEv({ socPct: 99, capacityKwh: 10, maxCurrentA: 32, phases: 3, idTag: 'EV' });
    c.transaction = { transactionId: 1, startedAt: new Date() };
    c.powerW = 22_000;
    c.advance(HOUR_MS, 22_080, 22_080);
    expect(c.car.battery?.socPct).toBe(100);
    expect(c.powerW).toBe(0);
  });
});
