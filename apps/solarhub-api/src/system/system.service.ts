import { Inject, Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import type { SolarhubConfig } from '@lib/config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases, describeTarget } from '../storage/databases';
import { AlertEntity, AlertLevel } from '../storage/entities';
import { LatestStore } from '../storage/latest-store';
import { IngestionService } from '../telemetry/ingestion.service';
import { LatestReader } from '../telemetry/latest-reader';
import { TelemetryWriter } from '../telemetry/telemetry-writer';
import { isoLocal, round } from '../analytics/history';
import { AssetsService } from './assets.service';

export const SERVICE_NAME = 'SolarHub API';
export const SERVICE_VERSION = '1.0.0';

/** Overview, topology, health detail and the dashboard's sidebar and header. */
@Injectable()
export class SystemService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly store: LatestStore,
    private readonly ingestion: IngestionService,
    private readonly latest: LatestReader,
    private readonly assets: AssetsService,
    private readonly writer: TelemetryWriter,
  ) {}

  async detailedHealth() {
    const [domains, redis] = await Promise.all([this.databases.domainStates(), this.store.health()]);
    const dbUp = Object.values(domains).every(Boolean);
    const redisConnections = Object.fromEntries(Object.entries(redis).filter(([, v]) => v !== null));
    const redisUp = redis.main !== false && redis.gtr !== false;
    const broker = this.ingestion.state();
    const healthy = dbUp && redisUp && (broker?.up ?? true);
    const problems = [
      ...(dbUp
        ? []
        : [
            `database unavailable: ${Object.keys(domains)
              .filter((d) => !domains[d])
              .join(', ')}`,
          ]),
      ...(redisUp ? [] : ['redis unavailable: latest values are read from the database']),
      ...(broker && !broker.up ? ['broker unavailable: no live telemetry'] : []),
    ];
    return {
      status: healthy ? 'healthy' : 'degraded',
      service: SERVICE_NAME,
      version: SERVICE_VERSION,
      infrastructure: {
        databases: { status: dbUp ? 'healthy' : 'unhealthy', connections: domains },
        redis: {
          status: redis.main === null ? 'not_configured' : redisUp ? 'healthy' : 'unhealthy',
          connections: redisConnections,
        },
        broker: broker
          ? { status: broker.up ? 'healthy' : 'unhealthy', history_backlog: this.writer.backlog }
          : { status: 'not_configured' },
      },
      message: healthy ? 'All systems operational' : problems.join('; '),
    };
  }

  /**
   * Public (no token needed), so it names each dependency and its state only: no host or port
   * that would map the site's internal network for a caller on the LAN.
   */
  topology() {
    const nodes: Record<string, string | number>[] = [
      { id: 'main_server', name: 'Main Server', type: 'server', status: 'online' },
    ];
    const links: { source: string; target: string; status: string }[] = [];
    this.databases.targets().forEach((db, i) => {
      const t = describeTarget(db.url);
      const id = i === 0 ? 'main_mysql' : `mysql_${t.database}`;
      nodes.push({
        id,
        name: i === 0 ? `Main ${t.type === 'mysql' ? 'MySQL' : 'SQLite'}` : `MySQL ${t.database}`,
        type: 'database',
        status: db.up ? 'online' : 'offline',
      });
      links.push({ source: 'main_server', target: id, status: db.up ? 'connected' : 'disconnected' });
    });
    for (const r of this.store.endpoints()) {
      const id = `${r.name}_redis`;
      nodes.push({
        id,
        name: r.name === 'main' ? 'Main Redis' : 'GTR Redis',
        type: 'redis',
        status: r.up ? 'online' : 'offline',
      });
      links.push({ source: 'main_server', target: id, status: r.up ? 'connected' : 'disconnected' });
    }
    const broker = this.ingestion.state();
    if (broker && this.config.mqtt) {
      nodes.push({
        id: 'mqtt_broker',
        name: 'MQTT Broker',
        type: 'broker',
        status: broker.up ? 'online' : 'offline',
      });
      links.push({ source: 'main_server', target: 'mqtt_broker', status: broker.up ? 'connected' : 'disconnected' });
    }
    return { nodes, links, timestamp: isoLocal(Date.now()) };
  }

  async overview() {
    const units = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    const [bess, pcs, meters, inverters, alerts] = await Promise.all([
      this.latest.allBess(this.config.units.bess),
      this.latest.pcs(units(this.config.units.pcs)),
      this.latest.meters(units(this.config.units.meters)),
      this.latest.inverters(units(this.config.units.inverters)),
      this.activeAlerts(),
    ]);
    const values = <T>(list: { value: T | null }[]): T[] => list.flatMap((l) => (l.value ? [l.value] : []));
    const b = values(bess);
    const inv = values(inverters);
    const p = values(pcs);
    const m = values(meters);
    const aux = m.find((x) => x.meterId === this.config.units.auxMeterId);
    const grid = m.filter((x) => x.meterId !== this.config.units.auxMeterId);
    const sum = <T>(list: T[], pick: (x: T) => number): number => round(list.reduce((s, x) => s + pick(x), 0));
    const capacity = b.reduce((s, x) => s + x.capacityKwh, 0);
    return {
      timestamp: isoLocal(Date.now()),
      generation: {
        power_kw: sum(inv, (x) => x.totalActivePower),
        daily_yield_kwh: sum(inv, (x) => x.dailyPowerYields),
        inverters_online: inv.filter((x) => this.assets.isOnline(x)).length,
        inverter_count: this.config.units.inverters,
      },
      bess: {
        power_kw: sum(b, (x) => x.powerKw),
        capacity_kwh: round(capacity),
        soc_pct: capacity > 0 ? round(b.reduce((s, x) => s + x.socPct * x.capacityKwh, 0) / capacity, 1) : null,
        units_online: b.filter((x) => this.assets.isOnline(x)).length,
        unit_count: this.config.units.bess,
      },
      pcs: {
        power_kw: sum(p, (x) => x.powerKw),
        units_online: p.filter((x) => this.assets.isOnline(x)).length,
        unit_count: this.config.units.pcs,
      },
      grid: {
        power_kw: sum(grid, (x) => x.activePower),
        frequency: grid.length > 0 ? round(grid.reduce((s, x) => s + x.frequency, 0) / grid.length, 3) : null,
      },
      aux_power_kw: aux ? round(aux.activePower) : null,
      alerts: {
        protection: alerts.protection.length,
        warning: alerts.warning.length,
        fault: alerts.fault.length,
      },
      status: 'success',
    };
  }

  async activeAlerts(): Promise<Record<AlertLevel, string[]>> {
    const rows = await this.databases
      .source('ess')
      .getRepository(AlertEntity)
      .find({ where: { clearedAt: IsNull() }, order: { raisedAt: 'ASC', id: 'ASC' } });
    const out: Record<AlertLevel, string[]> = { protection: [], warning: [], fault: [] };
    for (const row of rows) out[row.level]?.push(row.message);
    return out;
  }

  async header() {
    const alerts = await this.activeAlerts();
    const info = (items: string[]) => ({ count: items.length, items });
    return {
      protection_info: info(alerts.protection),
      warning_info: info(alerts.warning),
      fault_info: info(alerts.fault),
      status: 'success',
    };
  }

  sidebar() {
    const u = this.config.units;
    return {
      bess_type: this.config.bessType,
      bess_number: u.bess,
      pcs_number: u.pcs,
      inverter_number: u.inverters,
      rack_number: u.racks,
      meter_number: u.meters,
      number_of_devices: u.bess + u.pcs + u.inverters + u.racks,
      cctv_url: this.config.cctvUrl,
      status: 'success',
    };
  }
}
