import type { BessData, MeterData, PcsData, PvInverterData } from '@lib/contracts';
import { aDevice, at, quiet } from '@lib/testing';

const hourly = (start: string, hours: number): Date[] =>
  Array.from({ length: hours + 1 }, (_, i) => new Date(Date.parse(`2026-11-23T${start}:00Z`) + i * 3_600_000));

describe('energy assets', () => {
  describe('pv_inverter', () => {
    it('generates by day only, and its MPPT trackers carry the DC power', () => {
      const pv = aDevice({ type: 'pv_inverter' });
      const night = pv.read(at('02:00'), quiet)?.message as PvInverterData;
      expect(night.power).toBe(0);
      const noon = pv.read(at('12:00'), quiet)?.message as PvInverterData;
      expect(noon.power).toBeGreaterThan(150);
      expect(noon.power).toBeLessThanOrEqual(500);
      const mpptKw = noon.mppt.reduce((sum, m) => sum + m.power, 0) / 1000;
      expect(mpptKw).toBeCloseTo(noon.inverter.dc_power, -1);
      expect(noon.mppt).toHaveLength(4);
      expect(noon.strings).toHaveLength(8);
      expect(noon.phases.map((p) => p.phase)).toEqual(['A', 'B', 'C']);
      expect(noon.inverter.nominal_active_power).toBe(500);
    });

    it('counts the daily yield from midnight UTC and the total for ever', () => {
      const pv = aDevice({ type: 'pv_inverter' });
      let last: PvInverterData | undefined;
      for (const t of hourly('10:00', 4)) last = pv.read(t, quiet)?.message as PvInverterData;
      expect(last?.inverter.daily_power_yields).toBeGreaterThan(400);
      pv.read(new Date('2026-11-24T05:00:00Z'), quiet);
      const nextDay = pv.read(new Date('2026-11-24T07:00:00Z'), quiet)?.message as PvInverterData;
      expect(nextDay.inverter.daily_power_yields).toBeLessThan(last?.inverter.daily_power_yields ?? 0);
      expect(nextDay.inverter.total_power_yields).toBeGreaterThan(last?.inverter.total_power_yields ?? 0);
    });
  });

  describe('bess', () => {
    it('stands by until told; charging raises SOC, discharging lowers it, power signed', () => {
      const bess = aDevice({ type: 'bess' });
      const idle = bess.read(at('00:00'), quiet)?.message as BessData;
      expect(idle).toMatchObject({ device_type: 'bess', mode: 'Standby', power: 0, soc_pct: 50, capacity_kwh: 1000 });
      expect(idle.racks.map((r) => r.rack_number)).toEqual(
        Array.from({ length: 12 }, (_, i) => `rack${String(i + 1).padStart(2, '0')}`),
      );
      bess.apply('charge', { power: 250 }, at('00:00'));
      let m: BessData | undefined;
      for (const t of hourly('00:00', 2)) m = bess.read(t, quiet)?.message as BessData;
      expect(m?.power).toBeCloseTo(-250, -1);
      expect(m?.mode).toBe('Charging');
      expect(m?.soc_pct).toBeGreaterThan(95);
      bess.apply('discharge', { power: 500 }, at('02:00'));
      for (const t of hourly('02:00', 1)) m = bess.read(t, quiet)?.message as BessData;
      expect(m?.power).toBeCloseTo(500, -1);
      expect(m?.soc_pct).toBeLessThan(50);
    });

    it('stops at full and at empty, and returns 90 % of what it took in', () => {
      const bess = aDevice({ type: 'bess' });
      if (bess.record.asset) bess.record.asset.socPct = 5;
      bess.read(at('00:00'), quiet);
      bess.apply('charge', { power: 500 }, at('00:00'));
      let m: BessData | undefined;
      for (const t of hourly('00:00', 3)) m = bess.read(t, quiet)?.message as BessData;
      expect(m?.soc_pct).toBe(100);
      expect(m?.mode).toBe('Standby');
      bess.apply('discharge', { power: 500 }, at('03:00'));
      for (const t of hourly('03:00', 3)) m = bess.read(t, quiet)?.message as BessData;
      expect(m?.soc_pct).toBeLessThanOrEqual(5);
      expect(m?.mode).toBe('Standby');
      const efficiency = (m?.discharge_energy_kwh ?? 0) / (m?.charge_energy_kwh ?? 1);
      expect(efficiency).toBeCloseTo(0.9, 3);
    });

    it.each([
      ['charge', { power: 0 }],
      ['charge', { power: 501 }],
      ['discharge', {}],
      ['set_power', { power: 100 }],
      ['set_power', { power_kw: '100' }],
      ['set_power', { power_kw: Number.NaN }],
      ['set_power', { power_kw: Infinity }],
    ] as const)('refuses %s %p', (command, parameters) => {
      expect(() => aDevice({ type: 'bess' }).apply(command, parameters, at('00:00'))).toThrow('power');
    });

    describe('set_power (power_kw: + discharge, − charge)', () => {
      const read = (bess: ReturnType<typeof aDevice>, t: Date): BessData => bess.read(t, quiet)?.message as BessData;
      const seconds = (s: number): Date => new Date(at('00:00').getTime() + s * 1000);

      it('charges with a negative set-point: power reported negative, SOC rises by η·energy/capacity', () => {
        const bess = aDevice({ type: 'bess' });
        read(bess, seconds(0));
        expect(bess.apply('set_power', { power_kw: -200 }, seconds(0))).toEqual({
          status: 'accepted',
          requested_kw: -200,
          power_kw: -200,
          soc_pct: 50,
        });
        const m = read(bess, seconds(1800));
        expect(m.power).toBeCloseTo(-200, -1);
        expect(m.mode).toBe('Charging');
        // 100 kWh in at √0.9 into a 1,000 kWh battery: +9.49 points.
        expect(m.soc_pct).toBeCloseTo(50 + (100 * Math.sqrt(0.9) * 100) / 1000, 1);
        expect(m.charge_energy_kwh).toBeCloseTo(100, 3);
      });

      it('discharges with a positive set-point: SOC falls by energy/η/capacity', () => {
        const bess = aDevice({ type: 'bess' });
        read(bess, seconds(0));
        bess.apply('set_power', { power_kw: 300 }, seconds(0));
        const m = read(bess, seconds(3600));
        expect(m.power).toBeCloseTo(300, -1);
        expect(m.mode).toBe('Discharging');
        expect(m.soc_pct).toBeCloseTo(50 - (300 / Math.sqrt(0.9) / 1000) * 100, 1);
      });

      it('integrates each set-point over the time it held, not the one in force at the reading', () => {
        const bess = aDevice({ type: 'bess' });
        read(bess, seconds(0));
        bess.apply('set_power', { power_kw: -400 }, seconds(0));
        // Changed halfway to a discharge of the same power: the SOC comes back to (about) where it began.
        bess.apply('set_power', { power_kw: 400 }, seconds(900));
        const m = read(bess, seconds(1800));
        expect(m.power).toBeCloseTo(400, -1);
        expect(m.charge_energy_kwh).toBeCloseTo(100, 3);
        expect(m.discharge_energy_kwh).toBeCloseTo(100, 3);
        // It lost the round trip: 100·√0.9 in, 100/√0.9 out.
        expect(m.soc_pct).toBeCloseTo(50 + (100 * Math.sqrt(0.9) - 100 / Math.sqrt(0.9)) / 10, 1);
      });

      it('clamps to the power rating and says so', () => {
        const bess = aDevice({ type: 'bess', basePowerKw: 250 });
        expect(bess.apply('set_power', { power_kw: -1e6 }, seconds(0))).toMatchObject({
          status: 'clamped',
          requested_kw: -1e6,
          power_kw: -250,
          reason: 'power_rating',
        });
        expect(bess.apply('set_power', { power_kw: 251 }, seconds(0))).toMatchObject({ power_kw: 250 });
        expect(read(bess, seconds(1)).power).toBeCloseTo(250, -1);
      });

      it('stops charging at its maximum SOC, and refuses to discharge at its minimum', () => {
        const bess = aDevice({ type: 'bess' });
        const state = bess.record.asset;
        if (!state) throw new Error('no asset');
        state.socPct = 99;
        read(bess, seconds(0));
        bess.apply('set_power', { power_kw: -500 }, seconds(0));
        // 10 kWh of headroom at 500 kW: full after about 76 s, then it stands by.
        const full = read(bess, seconds(600));
        expect(full.soc_pct).toBe(100);
        expect(read(bess, seconds(601))).toMatchObject({ power: 0, mode: 'Standby', soc_pct: 100 });
        expect(full.charge_energy_kwh).toBeCloseTo(10 / Math.sqrt(0.9), 3);
        expect(bess.apply('set_power', { power_kw: -100 }, seconds(601))).toMatchObject({
          status: 'clamped',
          power_kw: 0,
          reason: 'soc_max',
        });
        state.socPct = 5;
        expect(bess.apply('set_power', { power_kw: 100 }, seconds(602))).toMatchObject({
          status: 'clamped',
          power_kw: 0,
          reason: 'soc_min',
        });
        expect(read(bess, seconds(700))).toMatchObject({ power: 0, mode: 'Standby', soc_pct: 5 });
        // Charging an empty battery is fine.
        expect(bess.apply('set_power', { power_kw: -100 }, seconds(700))).toMatchObject({ status: 'accepted' });
      });

      it('a disabled battery refuses, with the reason in the result', () => {
        const bess = aDevice({ type: 'bess' });
        bess.apply('disable', {}, seconds(0));
        let error: unknown;
        try {
          bess.apply('set_power', { power_kw: 10 }, seconds(0));
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({
          message: 'the battery is disabled',
          result: { status: 'rejected', power_kw: 0, reason: 'disabled' },
        });
      });

      it('a PCS takes the same set-point within its rating (it has no SOC)', () => {
        const pcs = aDevice({ type: 'pcs', basePowerKw: 100 });
        expect(pcs.apply('set_power', { power_kw: -150 }, seconds(0))).toEqual({
          status: 'clamped',
          requested_kw: -150,
          power_kw: -100,
          reason: 'power_rating',
        });
        expect(pcs.read(seconds(1), quiet)?.message).toMatchObject({
          power: expect.closeTo(-100, -1),
          mode: 'Charging',
        });
      });
    });

    it('refuses charge on a load', () => {
      expect(() => aDevice({ type: 'hvac' }).apply('charge', { power: 5 }, at('00:00'))).toThrow('bess and pcs');
    });
  });

  it('pcs: reports its seven status words, with fault bits while faulted', () => {
    const pcs = aDevice({ type: 'pcs' });
    pcs.apply('discharge', { power: 200 }, at('00:00'));
    const ok = pcs.read(at('00:00'), quiet)?.message as PcsData;
    expect(Object.keys(ok.alerts).sort()).toEqual(
      [
        'environment_status',
        'fault_status1',
        'fault_status2',
        'grid_status',
        'inverter_inhibits1_status',
        'inverter_status',
        'warning_status',
      ].sort(),
    );
    expect(ok.alerts.fault_status1).toBe(0);
    pcs.apply('inject_fault', { fault: 'stuck' }, at('00:00'));
    const faulted = pcs.read(at('00:01'), quiet)?.message as PcsData;
    expect(faulted.alerts.fault_status1).toBe(1);
  });

  it('meter: three phases, powers consistent with the power factor, frequency near 60 Hz', () => {
    const meter = aDevice({ type: 'meter' });
    for (let i = 0; i < 200; i++) {
      const m = meter.read(at('12:00'), { variation: 0.05, faultProbability: 0 })?.message as MeterData;
      expect(m.frequency).toBeGreaterThanOrEqual(59.95);
      expect(m.frequency).toBeLessThanOrEqual(60.05);
      expect(m.apparent_power).toBeCloseTo(m.active_power / m.power_factor, 0);
      expect(m.phase_a_voltage).toBeGreaterThan(215);
      expect(m.phase_a_voltage).toBeLessThan(225);
    }
  });
});
