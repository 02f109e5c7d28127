import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadOcppCsmsConfig } from '../src/ocpp-csms.config';
import { BUS_PATTERNS } from '@lib/contracts';
import { connectAsync } from 'mqtt';
import WebSocket from 'ws';
import { testServices } from '../../../test/services';
import { TestChargePoint } from '../../../test/support/charge-point';
import { eventually, http, listenOnFreePort, postJson } from '../../../test/support/http';
import { createCsmsApp } from '../src/app.factory';
import { CentralSystemService } from '../src/ocpp/central-system.service';
import { mysqlAdmin, mysqlDatabaseUrl } from '../../../test/support/infra';

const DB = `csms_e2e_${process.pid}`;

interface Csms {
  app: NestFastifyApplication;
  url: string;
  ocppUrl: string;
}

async function startCsms(db: string, env: Record<string, string> = {}): Promise<Csms> {
  await mysqlAdmin(`CREATE DATABASE IF NOT EXISTS ${db}`);
  const config = loadOcppCsmsConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: mysqlDatabaseUrl(db),
    OCPP_PORT: '0',
    ...env,
  });
  const app = await createCsmsApp(config);
  const url = await listenOnFreePort(app);
  const ocppUrl = `ws://127.0.0.1:${app.get(CentralSystemService).port}`;
  await eventually(
    () => http(`${url}/health/ready`),
    (r) => r.status === 200,
    15_000,
  );
  return { app, url, ocppUrl };
}

const json = (body: unknown, method = 'PUT'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('ocpp-csms (document 004)', () => {
  let csms: Csms;
  let cp: TestChargePoint;
  const station = `CP-${process.pid}`;

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    csms = await startCsms(DB, { MQTT_URL: testServices.mqttUrl });
    cp = await TestChargePoint.connect(csms.ocppUrl, station);
  });

  afterAll(async () => {
    await cp?.close();
    await csms?.app.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
  });

  describe('OCPP 1.6-J', () => {
    it('accepts a BootNotification, records the station and reads its feature profiles', async () => {
      const boot = await cp.boot();
      expect(boot).toMatchObject({ status: 'Accepted', interval: 300 });
      const view = await eventually(
        () =>
          http<{ connected: boolean; vendor: string; feature_profiles: string[] | null; number_of_connectors: number }>(
            `${csms.url}/stations/${station}`,
          ),
        (r) => r.body.feature_profiles !== null,
      );
      expect(view.body).toMatchObject({ connected: true, vendor: 'TestVendor', number_of_connectors: 2 });
      expect(view.body.feature_profiles).toContain('SmartCharging');
      expect(await cp.call('Heartbeat', {})).toEqual({ currentTime: expect.any(String) });
    });

    it('lists the stations whole, or a page of those matching with the total in X-Total-Count', async () => {
      for (const id of ['PAGE-A1', 'PAGE-A2', 'PAGE-B1', 'PAGE_%1']) {
        expect(
          (
            await http(`${csms.url}/stations/${encodeURIComponent(id)}`, {
              method: 'PUT',
              headers: { 'content-type': 'application/json' },
              body: '{}',
            })
          ).status,
        ).toBeLessThan(300);
      }
      const all = await http<{ station_id: string }[]>(`${csms.url}/stations`);
      expect(all.body.map((s) => s.station_id)).toEqual(
        expect.arrayContaining(['PAGE-A1', 'PAGE-A2', 'PAGE-B1', station]),
      );
      const page = await http<{ station_id: string }[]>(`${csms.url}/stations?q=page-a&offset=1&limit=1`);
      expect(page.body.map((s) => s.station_id)).toEqual(['PAGE-A2']);
      expect(page.headers.get('x-total-count')).toBe('2');
      // LIKE's wildcards are plain characters in q.
      const literal = await http<{ station_id: string }[]>(`${csms.url}/stations?q=${encodeURIComponent('_%')}`);
      expect(literal.body.map((s) => s.station_id)).toEqual(['PAGE_%1']);
      const online = await http<{ station_id: string; connected: boolean }[]>(`${csms.url}/stations?connected=true`);
      expect(online.body.map((s) => s.station_id)).toEqual([station]);
      expect((await http(`${csms.url}/stations?limit=0`)).status).toBe(422);
      // Sorted by the server, the page and its total follow the order asked for.
      const reversed = await http<{ station_id: string }[]>(`${csms.url}/stations?q=page-&sort=-id&limit=2`);
      expect(reversed.body.map((s) => s.station_id)).toEqual(['PAGE-B1', 'PAGE-A2']);
      expect(reversed.headers.get('x-total-count')).toBe('3');
      const byStatus = await http<{ station_id: string }[]>(`${csms.url}/stations?sort=status`);
      expect(byStatus.body.map((s) => s.station_id)).toEqual([station, 'PAGE-A1', 'PAGE-A2', 'PAGE-B1', 'PAGE_%1']);
      const badSort = await http<{ detail: { loc: string[] }[] }>(`${csms.url}/stations?sort=voltage`);
      expect(badSort.status).toBe(422);
      expect(badSort.body.detail[0].loc).toEqual(['query', 'sort']);
    });

    it('filters the list by connector status and by the id tag of an open session, with the total', async () => {
      const ids = [`FILT-A-${process.pid}`, `FILT-B-${process.pid}`, `FILT-C-${process.pid}`];
      const list = (path: string) => http<{ station_id: string; connected: boolean }[]>(`${csms.url}${path}`);
      const idsOf = (r: { body: { station_id: string }[] }) => r.body.map((s) => s.station_id);
      const points = await Promise.all(ids.map((id) => TestChargePoint.connect(csms.ocppUrl, id)));
      try {
        const [a, b, c] = points;
        for (const p of points) await p.boot();
        await a.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
        const red = await a.startTransaction(1, 'FLEET-RED-7');
        await b.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Faulted' });
        await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
        const blue = await c.startTransaction(1, 'FLEET-BLUE-2');
        const charging = await list(`/stations?status=Charging&q=FILT-`);
        expect(idsOf(charging)).toEqual([ids[0], ids[2]]);
        expect(charging.headers.get('x-total-count')).toBe('2');
        const faulted = await list(`/stations?status=Faulted&limit=10`);
        expect(idsOf(faulted)).toEqual([ids[1]]);
        expect(faulted.headers.get('x-total-count')).toBe('1');
        // q finds the id tag of an open session (any case), paged like any other match.
        const byTag = await list(`/stations?q=fleet-&limit=1&offset=1`);
        expect(idsOf(byTag)).toEqual([ids[2]]);
        expect(byTag.headers.get('x-total-count')).toBe('2');
        expect(idsOf(await list(`/stations?q=red-7&limit=100`))).toEqual([ids[0]]);
        // … and a status, as this replica heard it.
        const faultedText = await list(`/stations?q=faulT&limit=100`);
        expect(idsOf(faultedText)).toEqual([ids[1]]);
        expect(faultedText.headers.get('x-total-count')).toBe('1');

        // A closed session's id tag no longer finds the station.
        await c.stopTransaction(blue);
        const afterStop = await list(`/stations?q=fleet-&limit=100`);
        expect(idsOf(afterStop)).toEqual([ids[0]]);
        expect(afterStop.headers.get('x-total-count')).toBe('1');

        const bad = await http<{ detail: { loc: string[] }[] }>(`${csms.url}/stations?status=Sleeping`);
        expect(bad.status).toBe(422);
        expect(bad.body.detail[0].loc).toEqual(['query', 'status']);
        // No session left open for the site load tests below.
        await a.stopTransaction(red);
      } finally {
        await Promise.all(points.map((p) => p.close()));
      }
      // Not connected any more: no station is in a status now.
      await eventually(
        () => list(`/stations?status=Charging&q=FILT-`),
        (r) => r.body.length === 0,
      );
    });

    it('runs boot → authorize → start → meter values → stop, and keeps the energy', async () => {
      expect(await cp.call('Authorize', { idTag: 'TAG-1' })).toEqual({ idTagInfo: { status: 'Accepted' } });
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
      const start = await cp.call<{ transactionId: number; idTagInfo: { status: string } }>('StartTransaction', {
        connectorId: 1,
        idTag: 'TAG-1',
        meterStart: 1000,
        timestamp: new Date().toISOString(),
      });
      expect(start.idTagInfo.status).toBe('Accepted');
      await cp.call('MeterValues', {
        connectorId: 1,
        transactionId: start.transactionId,
        meterValue: [
          {
            timestamp: new Date().toISOString(),
            sampledValue: [
              { value: '2500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
              { value: '7360', measurand: 'Power.Active.Import', unit: 'W' },
            ],
          },
        ],
      });
      const live = await http<{
        connectors: {
          connector_id: number;
          status: string;
          active_transaction_id: number;
          latest_meter: { values: { measurand: string; value: number }[] };
        }[];
      }>(`${csms.url}/stations/${station}`);
      const c1 = live.body.connectors.find((c) => c.connector_id === 1);
      expect(c1).toMatchObject({ status: 'Charging', active_transaction_id: start.transactionId });
      expect(c1?.latest_meter.values).toContainEqual(
        expect.objectContaining({ measurand: 'Power.Active.Import', value: 7360 }),
      );
      await cp.call('StopTransaction', {
        transactionId: start.transactionId,
        meterStop: 4200,
        timestamp: new Date().toISOString(),
        reason: 'EVDisconnected',
      });
      const tx = await http<Record<string, unknown>>(`${csms.url}/transactions/${start.transactionId}`);
      expect(tx.body).toMatchObject({
        station_id: station,
        connector_id: 1,
        id_tag: 'TAG-1',
        meter_start_wh: 1000,
        meter_stop_wh: 4200,
        energy_wh: 3200,
        active: false,
        stop_reason: 'EVDisconnected',
      });
      const active = await http<unknown[]>(`${csms.url}/transactions?station_id=${station}&active=true`);
      expect(active.body).toEqual([]);
    });

    it('pages the transactions with offset and limit, the total of those matching in X-Total-Count', async () => {
      // Two more sessions of this station (one still open), so there are pages to read.
      const first = await cp.call<{ transactionId: number }>('StartTransaction', {
        connectorId: 2,
        idTag: 'TAG-1',
        meterStart: 0,
        timestamp: new Date().toISOString(),
      });
      await cp.call('StopTransaction', {
        transactionId: first.transactionId,
        meterStop: 10,
        timestamp: new Date().toISOString(),
        reason: 'Local',
      });
      const open = await cp.call<{ transactionId: number }>('StartTransaction', {
        connectorId: 2,
        idTag: 'TAG-1',
        meterStart: 10,
        timestamp: new Date().toISOString(),
      });
      type Tx = { transaction_id: number; active: boolean };
      const all = await http<Tx[]>(`${csms.url}/transactions?station_id=${station}`);
      const total = all.body.length;
      expect(total).toBeGreaterThanOrEqual(3);
      expect(all.headers.get('x-total-count')).toBe(String(total));
      const ids = all.body.map((t) => t.transaction_id);
      const pages: number[] = [];
      for (let offset = 0; offset < total; offset += 2) {
        const page = await http<Tx[]>(`${csms.url}/transactions?station_id=${station}&limit=2&offset=${offset}`);
        expect(page.headers.get('x-total-count')).toBe(String(total));
        pages.push(...page.body.map((t) => t.transaction_id));
      }
      expect(pages).toEqual(ids);
      const active = await http<Tx[]>(`${csms.url}/transactions?station_id=${station}&active=true&limit=1&offset=0`);
      expect(active.body.map((t) => t.transaction_id)).toEqual([open.transactionId]);
      expect(active.headers.get('x-total-count')).toBe('1');
      for (const bad of ['-1', 'two', '1.5']) {
        const answer = await http<{ detail: { loc: string[] }[] }>(`${csms.url}/transactions?offset=${bad}`);
        expect(answer.status).toBe(422);
        expect(answer.body.detail[0].loc).toEqual(['query', 'offset']);
      }
      await cp.call('StopTransaction', {
        transactionId: open.transactionId,
        meterStop: 20,
        timestamp: new Date().toISOString(),
        reason: 'Local',
      });
    });

    it('answers with the id tag status from the database', async () => {
      await http(`${csms.url}/id_tags/BLOCKED-1`, json({ status: 'Blocked' }));
      expect(await cp.call('Authorize', { idTag: 'BLOCKED-1' })).toEqual({ idTagInfo: { status: 'Blocked' } });
    });

    it('answers bad frames with the protocol CALLERROR and keeps the socket open', async () => {
      const ws = new WebSocket(`${csms.ocppUrl}/RAW-${process.pid}`, ['ocpp1.6']);
      const replies: unknown[] = [];
      ws.on('message', (data: Buffer) => replies.push(JSON.parse(data.toString())));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const send = async (frame: string, count: number): Promise<unknown> => {
        ws.send(frame);
        await eventually(
          () => Promise.resolve(replies.length),
          (n) => n >= count,
          5000,
        );
        return replies[count - 1];
      };
      expect(await send('[2,"m1","BootNotification",{"chargePointVendor":5,"chargePointModel":"x"}]', 1)).toEqual([
        4,
        'm1',
        'TypeConstraintViolation',
        expect.any(String),
        expect.anything(),
      ]);
      expect(await send('[2,"m2","BootNotification",{"chargePointModel":"x"}]', 2)).toEqual([
        4,
        'm2',
        expect.stringMatching(/Occur+ences?ConstraintViolation/),
        expect.any(String),
        expect.anything(),
      ]);
      expect(await send('[2,"m3","FlyToTheMoon",{}]', 3)).toEqual([
        4,
        'm3',
        'NotImplemented',
        expect.any(String),
        expect.anything(),
      ]);
      expect((await send('this is not json', 4)) as unknown[]).toEqual(expect.arrayContaining([4]));
      expect(await send('[2,"m5","Heartbeat",{}]', 5)).toEqual([3, 'm5', { currentTime: expect.any(String) }]);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.close();
    });
  });

  describe('Smart Charging REST', () => {
    const profile = {
      chargingProfileId: 100,
      stackLevel: 0,
      chargingProfilePurpose: 'ChargePointMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: {
        chargingRateUnit: 'W',
        startSchedule: new Date(Date.now() - 60_000).toISOString(),
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }],
      },
    };

    it('sends a profile the station stores, and both composite schedules agree', async () => {
      const res = await postJson<Record<string, unknown>>(`${csms.url}/stations/${station}/charging_profile`, {
        connector_id: 0,
        profile,
      });
      expect(res.body).toMatchObject({ status: 'success', station_id: station, profile_id: 100 });
      expect(cp.profiles.map((p) => p.profile.chargingProfileId)).toContain(100);
      const q = `connector_id=0&duration=3600&charging_rate_unit=W`;
      const fromStation = await http<{ status: string; schedule: { chargingSchedulePeriod: unknown[] } }>(
        `${csms.url}/stations/${station}/composite_schedule?${q}`,
      );
      const fromCsms = await http<{ status: string; schedule: { chargingSchedulePeriod: unknown[] } }>(
        `${csms.url}/stations/${station}/composite_schedule?${q}&source=csms`,
      );
      expect(fromStation.body.status).toBe('success');
      expect(fromStation.body.schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 11000 }]);
      expect(fromCsms.body.schedule.chargingSchedulePeriod).toEqual(fromStation.body.schedule.chargingSchedulePeriod);
      // The CSMS lists what it sent and the station accepted (OCPP 1.6 has no call to ask the station).
      const listed = await http<{
        station_id: string;
        profiles: { charging_profile_id: number; connector_id: number }[];
      }>(`${csms.url}/stations/${station}/charging_profiles`);
      expect(listed.body.station_id).toBe(station);
      expect(listed.body.profiles).toContainEqual(
        expect.objectContaining({ charging_profile_id: 100, connector_id: 0 }),
      );
      expect((await http(`${csms.url}/stations/NO-SUCH-STATION/charging_profiles`)).status).toBe(404);
    });

    it('checks a profile against the OCPP 1.6 schema before sending it (limits are multiples of 0.1)', async () => {
      const bad = {
        ...profile,
        chargingProfileId: 101,
        chargingSchedule: {
          ...profile.chargingSchedule,
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000.05 }],
        },
      };
      const res = await postJson<{ detail: { loc: (string | number)[]; msg: string }[] }>(
        `${csms.url}/stations/${station}/charging_profile`,
        { connector_id: 0, profile: bad },
      );
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual([
        'body',
        'profile',
        'chargingSchedule',
        'chargingSchedulePeriod',
        0,
        'limit',
      ]);
      expect(cp.profiles.map((p) => p.profile.chargingProfileId)).not.toContain(101);
      const wrongKind = await postJson(`${csms.url}/stations/${station}/charging_profile`, {
        connector_id: 0,
        profile: { ...profile, chargingProfileKind: 'Sometimes' },
      });
      expect(wrongKind.status).toBe(422);
    });

    it.each([
      ['peak_shaving', { max_power_w: 11000 }, 'ChargePointMaxProfile'],
      [
        'time_of_use',
        { connector_id: 1, off_peak_w: 11000, peak_w: 7000, peak_start_hour: 9, peak_end_hour: 17 },
        'TxDefaultProfile',
      ],
      [
        'energy_cap',
        { connector_id: 1, transaction_id: 5678, max_energy_wh: 25000, duration_seconds: 7200, power_limit_w: 11000 },
        'TxProfile',
      ],
    ])('test_profiles %s generates and sends a %s', async (scenario, params, purpose) => {
      const res = await postJson<{
        status: string;
        profile: { chargingProfileId: number; chargingProfilePurpose: string };
      }>(`${csms.url}/stations/${station}/test_profiles`, {
        scenario,
        ...params,
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('success');
      expect(res.body.profile.chargingProfilePurpose).toBe(purpose);
      expect(cp.profiles.map((p) => p.profile.chargingProfileId)).toContain(res.body.profile.chargingProfileId);
    });

    it('answers 400 to an invalid scenario or missing parameters, 404 to an unknown station', async () => {
      const invalid = await postJson<{ detail: string }>(`${csms.url}/stations/${station}/test_profiles`, {
        scenario: 'free_power',
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.detail).toContain('Invalid scenario');
      const missing = await postJson<{ detail: string }>(`${csms.url}/stations/${station}/test_profiles`, {
        scenario: 'time_of_use',
        off_peak_w: 1,
      });
      expect(missing.status).toBe(400);
      expect(missing.body.detail).toContain('peak_w');
      expect(
        (await postJson(`${csms.url}/stations/NOPE/test_profiles`, { scenario: 'peak_shaving', max_power_w: 1 }))
          .status,
      ).toBe(404);
      expect((await http(`${csms.url}/stations/NOPE/composite_schedule?connector_id=1&duration=60`)).status).toBe(404);
      const noDuration = await http<{ detail: { loc: string[] }[] }>(
        `${csms.url}/stations/${station}/composite_schedule?connector_id=1`,
      );
      expect(noDuration.status).toBe(422);
      expect(noDuration.body.detail[0].loc).toEqual(['query', 'duration']);
    });

    it('clears profiles by filter, on the station and in the CSMS record', async () => {
      const res = await http<{ status: string; filters: Record<string, unknown> }>(
        `${csms.url}/stations/${station}/charging_profile?purpose=TxDefaultProfile`,
        { method: 'DELETE' },
      );
      expect(res.body).toMatchObject({ status: 'success', filters: { chargingProfilePurpose: 'TxDefaultProfile' } });
      expect(cp.profiles.some((p) => p.profile.chargingProfilePurpose === 'TxDefaultProfile')).toBe(false);
      const all = await http<{ status: string }>(`${csms.url}/stations/${station}/charging_profile`, {
        method: 'DELETE',
      });
      expect(all.body.status).toBe('success');
      expect(cp.profiles).toEqual([]);
      const listed = await http<{ profiles: unknown[] }>(`${csms.url}/stations/${station}/charging_profiles`);
      expect(listed.body.profiles).toEqual([]);
      const csmsView = await http<{ schedule: { chargingSchedulePeriod: { limit: number }[] } }>(
        `${csms.url}/stations/${station}/composite_schedule?connector_id=1&duration=60&source=csms`,
      );
      expect(csmsView.body.schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 22080 }]);
    });

    it('refuses smart charging with 400 for a station whose feature profiles lack SmartCharging', async () => {
      const basic = await TestChargePoint.connect(csms.ocppUrl, `BASIC-${process.pid}`, {
        featureProfiles: 'Core,FirmwareManagement',
      });
      try {
        await basic.boot();
        await eventually(
          () => http<{ feature_profiles: string[] | null }>(`${csms.url}/stations/BASIC-${process.pid}`),
          (r) => r.body.feature_profiles !== null,
        );
        const res = await postJson<{ detail: string }>(`${csms.url}/stations/BASIC-${process.pid}/charging_profile`, {
          connector_id: 0,
          profile,
        });
        expect(res.status).toBe(400);
        expect(res.body.detail).toContain('SmartCharging');
      } finally {
        await basic.close();
      }
      // Once it is gone, the database's record still refuses it with 400, not "not connected".
      const offline = await postJson<{ detail: string }>(`${csms.url}/stations/BASIC-${process.pid}/charging_profile`, {
        connector_id: 0,
        profile,
      });
      expect(offline.status).toBe(400);
      expect(offline.body.detail).toContain('SmartCharging');
    });
  });

  describe('CSMS-initiated calls', () => {
    it('routes remote start/stop, reset and configuration to the station', async () => {
      expect(
        (await postJson(`${csms.url}/stations/${station}/remote_start`, { id_tag: 'TAG-9', connector_id: 1 })).body,
      ).toMatchObject({ status: 'Accepted' });
      expect((await postJson(`${csms.url}/stations/${station}/remote_stop`, { transaction_id: 1 })).body).toMatchObject(
        { status: 'Accepted' },
      );
      expect((await postJson(`${csms.url}/stations/${station}/reset`, { type: 'Soft' })).body).toMatchObject({
        status: 'Accepted',
      });
      expect(
        (await http(`${csms.url}/stations/${station}/configuration`, json({ key: 'HeartbeatInterval', value: '60' })))
          .body,
      ).toMatchObject({ status: 'Accepted' });
      const methods = cp.received.map((r) => r.method);
      expect(methods).toEqual(
        expect.arrayContaining(['RemoteStartTransaction', 'RemoteStopTransaction', 'Reset', 'ChangeConfiguration']),
      );
      expect(cp.received.find((r) => r.method === 'RemoteStartTransaction')?.params).toEqual({
        idTag: 'TAG-9',
        connectorId: 1,
      });
    });

    it('answers 503 for a known station that is not connected', async () => {
      await http(`${csms.url}/stations/OFFLINE-${process.pid}`, json({}));
      const res = await postJson<{ detail: string }>(`${csms.url}/stations/OFFLINE-${process.pid}/reset`, {
        type: 'Hard',
      });
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain('not connected');
    });

    it('answers 504 when a station does not answer in time, and its next call still goes through', async () => {
      const quick = await startCsms(`${DB}_timeout`, { OCPP_CALL_TIMEOUT_MS: '500' });
      const slow = await TestChargePoint.connect(quick.ocppUrl, `SLOW-${process.pid}`);
      try {
        let resets = 0;
        // The first Reset is answered after the CSMS has given up on it; the second at once.
        slow.client.handle('Reset', () =>
          ++resets === 1
            ? new Promise((resolve) => setTimeout(() => resolve({ status: 'Accepted' }), 1500))
            : Promise.resolve({ status: 'Rejected' }),
        );
        await slow.boot();
        const started = Date.now();
        const late = await postJson<{ detail: string }>(`${quick.url}/stations/SLOW-${process.pid}/reset`, {
          type: 'Soft',
        });
        expect(late.status).toBe(504);
        expect(late.body.detail).toContain('did not answer Reset in time');
        expect(Date.now() - started).toBeGreaterThanOrEqual(500);
        expect(Date.now() - started).toBeLessThan(1500);
        const next = await postJson(`${quick.url}/stations/SLOW-${process.pid}/reset`, { type: 'Hard' });
        expect(next.status).toBe(200);
        expect(next.body).toMatchObject({ status: 'Rejected' });
      } finally {
        await slow.close();
        await quick.app.close();
        await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}_timeout`);
      }
    });

    it('keeps the recent OCPP traffic of a station', async () => {
      const logs = await http<{ logs: { direction: string; message: string }[] }>(
        `${csms.url}/stations/${station}/logs?limit=500`,
      );
      expect(logs.body.logs.some((l) => l.direction === 'in' && l.message.includes('BootNotification'))).toBe(true);
      expect(logs.body.logs.some((l) => l.direction === 'out' && l.message.includes('SetChargingProfile'))).toBe(true);
    });
  });

  describe('site load management', () => {
    const a = `SITE-A-${process.pid}`;
    const b = `SITE-B-${process.pid}`;
    let cpA: TestChargePoint;
    let cpB: TestChargePoint;
    type SiteView = {
      limit_w: number | null;
      allocations: { transaction_id: number; limit_w: number; sent_as: string; status: string }[];
    };
    const site = (): Promise<{ body: SiteView }> => http<SiteView>(`${csms.url}/site/charging_limit`);
    const setLimit = (limit: number | null, unit = 'W') =>
      http<SiteView>(`${csms.url}/site/charging_limit`, json({ limit, unit }));

    beforeAll(async () => {
      for (const id of [a, b]) await http(`${csms.url}/stations/${id}`, json({ max_power_w: 11000 }));
      cpA = await TestChargePoint.connect(csms.ocppUrl, a);
      cpB = await TestChargePoint.connect(csms.ocppUrl, b, { rejectPurposes: ['TxProfile', 'ChargePointMaxProfile'] });
      await cpA.boot();
      await cpB.boot();
    });

    afterAll(async () => {
      await setLimit(null);
      await cpA.close();
      await cpB.close();
    });

    it('shares the limit fairly among active transactions and re-balances as they start and stop', async () => {
      const tx1 = await cpA.startTransaction(1);
      const tx2 = await cpB.startTransaction(1);
      const set = await setLimit(10_000);
      expect(set.body.limit_w).toBe(10_000);
      expect(set.body.allocations.map((x) => x.limit_w)).toEqual([5_000, 5_000]);
      expect(cpA.limitFor(tx1)).toBe(5_000);
      const tx3 = await cpA.startTransaction(2);
      // The plan shows at once; each station's answer follows (status pending → applied).
      const applied = (r: { body: SiteView }): boolean => r.body.allocations.every((x) => x.status === 'applied');
      const three = await eventually(site, (r) => r.body.allocations.length === 3 && applied(r));
      expect(three.body.allocations.map((x) => x.limit_w)).toEqual([3_333.3, 3_333.3, 3_333.3]);
      expect(cpA.limitFor(tx3)).toBe(3_333.3);
      await cpA.stopTransaction(tx3);
      const two = await eventually(
        site,
        (r) => r.body.allocations.length === 2 && applied(r) && cpA.limitFor(tx1) === 5_000,
      );
      expect(two.body.allocations.map((x) => x.limit_w)).toEqual([5_000, 5_000]);
      expect(cpA.limitFor(tx1)).toBe(5_000);
      void tx2;
    });

    it("respects each station's maximum and takes the limit in A (three phases, 230 V)", async () => {
      const res = await setLimit(40, 'A');
      expect(res.body.limit_w).toBe(27_600);
      expect(res.body.allocations.map((x) => x.limit_w)).toEqual([11_000, 11_000]);
    });

    it('caps a station that refuses TxProfile with a ChargePointMaxProfile at its share', async () => {
      const c = `SITE-C-${process.pid}`;
      await http(`${csms.url}/stations/${c}`, json({ max_power_w: 11000 }));
      const cpC = await TestChargePoint.connect(csms.ocppUrl, c, { rejectPurposes: ['TxProfile'] });
      try {
        await cpC.boot();
        const tx = await cpC.startTransaction(1);
        const view = await eventually(site, (r) =>
          r.body.allocations.some((x) => x.transaction_id === tx && x.status === 'applied'),
        );
        const forC = view.body.allocations.find((x) => x.transaction_id === tx);
        expect(forC?.sent_as).toBe('ChargePointMaxProfile');
        const cap = cpC.profiles.find((p) => p.profile.chargingProfilePurpose === 'ChargePointMaxProfile');
        expect(cap?.connectorId).toBe(0);
        expect(cap?.profile.chargingSchedule.chargingSchedulePeriod[0].limit).toBe(forC?.limit_w);
        await cpC.stopTransaction(tx);
        await eventually(site, (r) => !r.body.allocations.some((x) => x.transaction_id === tx));
      } finally {
        await cpC.close();
      }
    });

    it('gives a station that refuses TxProfile and ChargePointMaxProfile the limit as a TxDefaultProfile', async () => {
      const view = await setLimit(9_000);
      const forB = view.body.allocations.find((x) => x.sent_as === 'TxDefaultProfile');
      expect(forB).toMatchObject({ status: 'applied', limit_w: 4_500 });
      expect(
        cpB.profiles.find((p) => p.profile.chargingProfilePurpose === 'TxDefaultProfile')?.profile.chargingSchedule
          .chargingSchedulePeriod[0].limit,
      ).toBe(4_500);
    });

    it('takes the limit from the bus, as the optimizer sends it, and ignores a bad message', async () => {
      const client = await connectAsync(testServices.mqttUrl);
      try {
        await client.publishAsync(BUS_PATTERNS.siteChargingLimit, JSON.stringify({ limit: 'lots' }), { qos: 1 });
        await client.publishAsync(BUS_PATTERNS.siteChargingLimit, JSON.stringify({ limit: 7_000, unit: 'W' }), {
          qos: 1,
        });
        const view = await eventually(site, (r) => r.body.limit_w === 7_000);
        expect(view.body.allocations.map((x) => x.limit_w)).toEqual([3_500, 3_500]);
      } finally {
        await client.endAsync();
      }
    });

    it('lifts the limit and takes its profiles back', async () => {
      const lifted = await setLimit(null);
      expect(lifted.body).toMatchObject({ limit_w: null, allocations: [] });
      expect(cpA.profiles.filter((p) => p.profile.chargingProfileId >= 900_000)).toEqual([]);
    });
  });

  describe('registration policy and security profile 1', () => {
    it('refuses unknown stations when the policy is closed', async () => {
      const closed = await startCsms(`${DB}_closed`, { OCPP_ACCEPT_UNKNOWN_STATIONS: 'false' });
      try {
        await expect(TestChargePoint.connect(closed.ocppUrl, 'STRANGER')).rejects.toThrow();
        await http(`${closed.url}/stations/KNOWN-1`, json({}));
        const known = await TestChargePoint.connect(closed.ocppUrl, 'KNOWN-1');
        await known.close();
      } finally {
        await closed.app.close();
        await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}_closed`);
      }
    });

    it('checks HTTP Basic credentials at the handshake, against a hashed password', async () => {
      const secure = await startCsms(`${DB}_sp1`, { OCPP_SECURITY_PROFILE: '1' });
      try {
        const registered = await http<{ basic_auth: boolean }>(
          `${secure.url}/stations/SECURE-1`,
          json({ password: 'correct-horse-battery' }),
        );
        expect(registered.body.basic_auth).toBe(true);
        await expect(
          TestChargePoint.connect(secure.ocppUrl, 'SECURE-1', { password: 'wrong-password-000' }),
        ).rejects.toThrow();
        await expect(TestChargePoint.connect(secure.ocppUrl, 'SECURE-1')).rejects.toThrow();
        const ok = await TestChargePoint.connect(secure.ocppUrl, 'SECURE-1', { password: 'correct-horse-battery' });
        expect(await ok.boot()).toMatchObject({ status: 'Accepted' });
        await ok.close();
      } finally {
        await secure.app.close();
        await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}_sp1`);
      }
    });
  });
});
