import {
  ackText,
  commandsFor,
  deviceNow,
  groupFleet,
  parseSetPoint,
  setPointRange,
  type FleetDevice,
} from './device-fleet';

function device(id: string, type: string, patch: Partial<FleetDevice> = {}): FleetDevice {
  return {
    device_id: id,
    device_type: type as FleetDevice['device_type'],
    name: id,
    location: 'Site',
    base_power: 25,
    base_voltage: 400,
    enabled: true,
    powered_on: true,
    power_setpoint: null,
    interval_s: null,
    status: 'online',
    fault: null,
    energy: 1,
    seq: 1,
    created_at: '2026-12-04T05:00:00Z',
    battery: null,
    last_reading: null,
    ...patch,
  };
}

const reading = (power: number, timestamp: string) =>
  ({
    device_id: 'x',
    timestamp,
    power,
    voltage: 400,
    current: 1,
    energy: 1,
    status: 'online',
    enabled: true,
    seq: 1,
  }) as const;

describe('the fleet by type', () => {
  it('puts loads first in the contract order, then the assets, leaving out empty types', () => {
    const sections = groupFleet([
      device('bess-1', 'bess'),
      device('srv-b', 'server', { name: 'B rack' }),
      device('hvac-1', 'hvac'),
      device('srv-a', 'server', { name: 'A rack' }),
      device('meter-1', 'meter'),
    ]);
    expect(sections.map((s) => s.title)).toEqual(['Loads', 'Site assets']);
    expect(sections[0].groups.map((g) => g.type)).toEqual(['hvac', 'server']);
    expect(sections[0].groups[1].devices.map((d) => d.device_id)).toEqual(['srv-a', 'srv-b']);
    expect(sections[1].groups.map((g) => g.type)).toEqual(['bess', 'meter']);
    expect(sections[1].groups[0].label).toBe('Battery storage (BESS)');
  });

  it('keeps a type it does not know, with the assets, and drops a section without devices', () => {
    const sections = groupFleet([device('h-1', 'heat_pump')]);
    expect(sections).toHaveLength(1);
    expect(sections[0].title).toBe('Site assets');
    expect(sections[0].groups[0]).toMatchObject({ type: 'heat_pump', label: 'heat_pump' });
  });
});

describe('what a device row shows now', () => {
  const rest = device('hvac-1', 'hvac', { last_reading: reading(10, '2026-12-04T06:00:00Z') });

  it('takes the live reading when it is newer than the REST one', () => {
    const now = deviceNow(rest, reading(12, '2026-12-04T06:00:05Z'), undefined);
    expect(now).toMatchObject({ powerKw: 12, source: 'live', readAt: '2026-12-04T06:00:05Z' });
  });

  it('falls back to the REST reading when nothing live arrived or the live one is older', () => {
    expect(deviceNow(rest, undefined, undefined)).toMatchObject({ powerKw: 10, source: 'rest' });
    expect(deviceNow(rest, reading(8, '2026-12-04T05:59:00Z'), undefined)).toMatchObject({ powerKw: 10 });
  });

  it('says so when nothing was read yet', () => {
    expect(deviceNow(device('new', 'hvac'), undefined, undefined)).toMatchObject({ powerKw: null, source: 'none' });
  });

  it('takes status, enabled and fault from a newer live status message', () => {
    const now = deviceNow(rest, undefined, {
      status: 'offline',
      enabled: false,
      fault: 'offline',
      timestamp: '2026-12-04T06:00:10Z',
    });
    expect(now).toMatchObject({ status: 'offline', enabled: false, fault: 'offline' });
    const stale = deviceNow(rest, undefined, { status: 'offline', enabled: false, timestamp: '2026-12-04T05:00:00Z' });
    expect(stale).toMatchObject({ status: 'online', enabled: true, fault: null });
  });
});

describe('commands and set-points', () => {
  it('offers set_power to loads, charge/discharge to batteries, plug to EV chargers', () => {
    expect(commandsFor('hvac')).toEqual({ onOff: true, enable: true, setPoint: 'set_power', plug: false });
    expect(commandsFor('bess').setPoint).toBe('battery');
    expect(commandsFor('pcs').setPoint).toBe('battery');
    expect(commandsFor('ev_charger')).toMatchObject({ setPoint: null, plug: true });
  });

  it('checks the set-point against what the device accepts', () => {
    const load = setPointRange({ device_type: 'hvac', base_power: 25 });
    expect(load).toEqual({ min: 0, max: 50, minExclusive: false });
    expect(parseSetPoint('0', load)).toBe(0);
    expect(parseSetPoint('12,5', load)).toBe(12.5);
    expect(parseSetPoint('50.1', load)).toBeNull();
    expect(parseSetPoint('-1', load)).toBeNull();
    expect(parseSetPoint('', load)).toBeNull();
    expect(parseSetPoint('abc', load)).toBeNull();
    const battery = setPointRange({ device_type: 'bess', base_power: 1000 });
    expect(parseSetPoint('0', battery)).toBeNull();
    expect(parseSetPoint('1000', battery)).toBe(1000);
    expect(parseSetPoint('1001', battery)).toBeNull();
  });
});

describe('an acknowledgement in words', () => {
  it('says what the device did', () => {
    expect(ackText({ command: 'set_power', success: true, result: { power_setpoint_kw: 30 } })).toBe(
      'Set-point acknowledged (set-point 30.0 kW)',
    );
    expect(ackText({ command: 'turn_off', success: true, result: { powered_on: false } })).toBe(
      'Turn off acknowledged (off)',
    );
    expect(ackText({ command: 'charge', success: true, result: { mode: 'Charging', power_kw: 200 } })).toBe(
      'Charge acknowledged (Charging, 200 kW)',
    );
    expect(ackText({ command: 'enable', success: true, result: { enabled: true, stored: false } })).toBe(
      'Enable acknowledged (enabled, not stored yet)',
    );
  });

  it('says why it refused', () => {
    expect(ackText({ command: 'charge', success: false, error: 'charge applies to bess and pcs devices only' })).toBe(
      'Charge refused: charge applies to bess and pcs devices only',
    );
    expect(ackText({ command: null, success: false })).toBe('Command refused: no reason given');
  });
});
