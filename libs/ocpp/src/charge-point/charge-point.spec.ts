import { peakShavingProfile, siteLimitProfile } from '../builders';
import { installProfile } from '../installed';
import { ChargePointSimulator } from './charge-point';

const HOUR_MS = 3_600_000;

/** A simulator that never connects: its profile and energy logic, without a CSMS. */
const station = (maxPowerW = 22_080): ChargePointSimulator =>
  new ChargePointSimulator({ endpoint: 'ws://127.0.0.1:9', identity: 'UNIT-1', connectors: 2, maxPowerW });

const charging = (cp: ChargePointSimulator, connectorId: number, transactionId: number, maxPowerW: number): void => {
  const c = cp.connector(connectorId);
  c.car = { idTag: 'T', maxPowerW, phases: 3, battery: null };
  c.transaction = { transactionId, startedAt: new Date(Date.now() - 1000) };
  cp.transactions.set(connectorId, c.transaction);
};

describe('ChargePointSimulator: a car follows the charging profile', () => {
  it('draws what the TxProfile of its transaction allows, and its maximum once that profile is gone', () => {
    const cp = station();
    charging(cp, 1, 41, 11_000);
    cp.advance(0);
    expect(cp.connector(1).powerW).toBe(11_000);
    installProfile(
      cp.profiles,
      1,
      siteLimitProfile({ profileId: 900_001, stackLevel: 8, purpose: 'TxProfile', limitW: 4_200, transactionId: 41 }),
    );
    expect(cp.limitNowW(1)).toBe(4_200);
    expect(cp.advance(HOUR_MS)).toBe(4_200);
    // The hour before was at 11 kW; the next one at 4.2 kW.
    cp.advance(HOUR_MS);
    expect(cp.connector(1).meterWh).toBeCloseTo(15_200, 6);
    cp.profiles.length = 0;
    expect(cp.advance(0)).toBe(11_000);
  });

  it('shares a station cap (ChargePointMaxProfile) among its connectors within the station maximum', () => {
    const cp = station(11_000);
    charging(cp, 1, 1, 22_000);
    charging(cp, 2, 2, 22_000);
    expect(cp.limitNowW(1)).toBe(11_000);
    installProfile(cp.profiles, 0, peakShavingProfile(5, 6_000));
    const total = cp.advance(0);
    expect(total).toBeLessThanOrEqual(6_000 * 2);
    expect(cp.connector(1).powerW).toBeLessThanOrEqual(6_000);
  });

  it('ignores a TxProfile of another transaction', () => {
    const cp = station();
    charging(cp, 1, 41, 11_000);
    installProfile(
      cp.profiles,
      1,
      siteLimitProfile({ profileId: 900_001, stackLevel: 8, purpose: 'TxProfile', limitW: 2_000, transactionId: 99 }),
    );
    expect(cp.advance(0)).toBe(11_000);
  });
});
