import type { SolarhubConfig } from '../solarhub-api.config';
import { DEVICE_TOPICS, SERVICE_TOPICS, isoSeconds } from '@lib/contracts';
import { MetricsService } from '@lib/observability';
import { DeviceStatusService } from './device-status.service';

const statusOf = (id: string, fields: Record<string, unknown> = {}): [string, Buffer] => [
  DEVICE_TOPICS.status(id),
  Buffer.from(JSON.stringify({ device_id: id, status: 'online', enabled: true, timestamp: isoSeconds(), ...fields })),
];
const serviceOf = (service: string, status: 'online' | 'offline'): [string, Buffer] => [
  SERVICE_TOPICS.status(service),
  Buffer.from(JSON.stringify({ service, status })),
];

describe('solarhub-api device statuses', () => {
  let metrics: MetricsService;
  let statuses: DeviceStatusService;

  beforeEach(() => {
    metrics = new MetricsService('solarhub-api');
    statuses = new DeviceStatusService({ mqtt: null } as unknown as SolarhubConfig, metrics);
  });

  it("shows each device's own status, with its type, service and fault", () => {
    statuses.receive(...statusOf('bess-1', { service: 'iot-mock', device_type: 'bess' }));
    statuses.receive(...statusOf('meter-1', { status: 'offline', fault: 'offline', device_type: 'meter' }));
    expect(statuses.get('bess-1')).toMatchObject({
      device_id: 'bess-1',
      device_type: 'bess',
      service: 'iot-mock',
      status: 'online',
      reason: null,
    });
    // No service named: the registry's one publisher of device statuses.
    expect(statuses.get('meter-1')).toMatchObject({ service: 'iot-mock', status: 'offline', reason: 'device' });
    expect(statuses.isOnline('bess-1')).toBe(true);
    expect(statuses.isOnline('meter-1')).toBe(false);
    // Never reported: no verdict.
    expect(statuses.get('nobody-1')).toBeNull();
    expect(statuses.isOnline('nobody-1')).toBe(true);
  });

  it("takes every device of a service offline at once when its last will arrives, and only that service's", () => {
    for (const id of ['a-1', 'a-2', 'a-3']) statuses.receive(...statusOf(id, { service: 'sim-a' }));
    statuses.receive(...statusOf('b-1', { service: 'sim-b' }));
    statuses.receive(...serviceOf('sim-a', 'offline'));
    const list = statuses.list();
    expect(list.devices.filter((d) => d.status === 'offline').map((d) => d.device_id)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(statuses.get('a-2')).toMatchObject({ reason: 'service_offline', service_offline_since: expect.any(String) });
    expect(statuses.get('b-1')?.status).toBe('online');
    expect(list.services).toEqual([
      { service: 'sim-a', status: 'offline' },
      { service: 'sim-b', status: 'online' },
    ]);
  });

  it('keeps them offline whatever order retained messages come in, until the service is back', () => {
    statuses.receive(...serviceOf('sim-a', 'offline'));
    statuses.receive(...statusOf('a-1', { service: 'sim-a' }));
    expect(statuses.get('a-1')?.status).toBe('offline');
    statuses.receive(...serviceOf('sim-a', 'online'));
    expect(statuses.get('a-1')).toMatchObject({ status: 'online', reason: null, service_offline_since: null });
  });

  it('forgets a deleted device (its retained status cleared) and ignores what does not decode', () => {
    statuses.receive(...statusOf('gone-1'));
    statuses.receive(DEVICE_TOPICS.status('gone-1'), Buffer.alloc(0));
    expect(statuses.get('gone-1')).toBeNull();
    statuses.receive(DEVICE_TOPICS.status('x-1'), Buffer.from('not json'));
    statuses.receive(...statusOf('x-2', { status: 'sleepy' }));
    statuses.receive(SERVICE_TOPICS.status('sim-a'), Buffer.from('{"service":"sim-a","status":"maybe"}'));
    expect(statuses.list().devices).toEqual([]);
    expect(statuses.list().services.map((s) => s.service)).not.toContain('sim-a');
  });

  it('counts the devices offline in /metrics', async () => {
    statuses.receive(...statusOf('a-1', { service: 'sim-a' }));
    statuses.receive(...statusOf('a-2', { service: 'sim-a' }));
    statuses.receive(...serviceOf('sim-a', 'offline'));
    expect(await metrics.registry.getSingleMetricAsString('solarhub_devices_offline')).toMatch(
      /solarhub_devices_offline\{app="solarhub-api"\} 2/,
    );
  });
});
