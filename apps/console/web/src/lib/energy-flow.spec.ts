import { energyFlow } from './energy-flow';

describe('the energy-flow picture', () => {
  const plant = { generation_mw: 0.4, consumption_mw: 0.25, exported_mw: 0.15 };

  it('adds the loads by type, reads the battery signed and the grid from the plant', () => {
    const flow = energyFlow({
      plant,
      devices: [
        { device_type: 'server', power: 120 },
        { device_type: 'hvac', power: 60 },
        { device_type: 'bess', power: -50 },
        { device_type: 'meter', power: 400 },
        { device_type: 'pv_inverter', power: 380 },
      ],
      evPowerW: 22_000,
    });
    expect(flow.generationKw).toBeCloseTo(400);
    expect(flow.loadsKw).toBeCloseTo(180);
    expect(flow.evKw).toBeCloseTo(22);
    expect(flow.batteryKw).toBeCloseTo(-50);
    expect(flow.direction.battery).toBe('charging');
    expect(flow.gridKw).toBeCloseTo(150);
    expect(flow.direction.grid).toBe('export');
    expect(flow.unmeteredKw).toBeCloseTo(250 - 180 - 22);
  });

  it('takes EV charging from the CSMS, not the chargers’ own telemetry, when the CSMS reports', () => {
    const devices = [{ device_type: 'ev_charger', power: 11 }];
    expect(energyFlow({ plant, devices, evPowerW: 7_000 }).evKw).toBeCloseTo(7);
    expect(energyFlow({ plant, devices, evPowerW: null }).evKw).toBeCloseTo(11);
  });

  it('leaves out offline devices and shows an import as such', () => {
    const flow = energyFlow({
      plant: { generation_mw: 0.1, consumption_mw: 0.3, exported_mw: -0.2 },
      devices: [
        { device_type: 'industrial', power: 200, status: 'offline' },
        { device_type: 'lighting', power: 10 },
      ],
      evPowerW: null,
    });
    expect(flow.loadsKw).toBeCloseTo(10);
    expect(flow.direction.grid).toBe('import');
    expect(flow.batteryKw).toBeNull();
    expect(flow.direction.battery).toBe('idle');
  });

  it('knows nothing of generation or the grid before the plant has reported', () => {
    const flow = energyFlow({ plant: null, devices: [], evPowerW: null });
    expect(flow.generationKw).toBeNull();
    expect(flow.gridKw).toBeNull();
    expect(flow.direction.grid).toBe('idle');
  });
});
