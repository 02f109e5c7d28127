import { Inject, Injectable } from '@nestjs/common';
import { roundTo } from '@lib/power';
import type { SolarhubConfig } from '../solarhub-api.config';
import { ActiveAlerts } from '../config/active-alerts.service';
import { UnitOnline } from '../devices/unit-online.service';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases, describeTarget } from '../storage/databases';
import { LatestStore } from '../storage/latest-store';
import { IngestionService } from '../telemetry/ingestion.service';
import { LatestReader } from '../telemetry/latest-reader';
import { isoLocal } from '../analysis/history';
import type { OverviewDto, TopologyDto } from './system.dto';

/** The site overview from the latest telemetry, and the topology of the server's dependencies. */
@Injectable()
export class SystemService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly store: LatestStore,
    private readonly ingestion: IngestionService,
    private readonly latest: LatestReader,
    private readonly online: UnitOnline,
    private readonly alerts: ActiveAlerts,
  ) {}

  /**
   * Public (no token needed), so it names each dependency and its state only: no host or port
   * that would map the site's internal network for a caller on the LAN.
   */
  topology(): TopologyDto {
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

  async overview(): Promise<OverviewDto> {
    const units = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
    const [bess, pcs, meters, inverters, alerts] = await Promise.all([
      this.latest.allBess(this.config.units.bess),
      this.latest.pcs(units(this.config.units.pcs)),
      this.latest.meters(units(this.config.units.meters)),
      this.latest.inverters(units(this.config.units.inverters)),
      this.alerts.byLevel(),
    ]);
    const values = <T>(list: { value: T | null }[]): T[] => list.flatMap((l) => (l.value ? [l.value] : []));
    const b = values(bess);
    const inv = values(inverters);
    const p = values(pcs);
    const m = values(meters);
    const aux = m.find((x) => x.meterId === this.config.units.auxMeterId);
    const grid = m.filter((x) => x.meterId !== this.config.units.auxMeterId);
    const sum = <T>(list: T[], pick: (x: T) => number): number =>
      roundTo(
        list.reduce((s, x) => s + pick(x), 0),
        2,
      );
    const capacity = b.reduce((s, x) => s + x.capacityKwh, 0);
    return {
      timestamp: isoLocal(Date.now()),
      generation: {
        power_kw: sum(inv, (x) => x.totalActivePower),
        daily_yield_kwh: sum(inv, (x) => x.dailyPowerYields),
        inverters_online: inv.filter((x) => this.online.isOnline(x)).length,
        inverter_count: this.config.units.inverters,
      },
      bess: {
        power_kw: sum(b, (x) => x.powerKw),
        capacity_kwh: roundTo(capacity, 2),
        soc_pct: capacity > 0 ? roundTo(b.reduce((s, x) => s + x.socPct * x.capacityKwh, 0) / capacity, 1) : null,
        units_online: b.filter((x) => this.online.isOnline(x)).length,
        unit_count: this.config.units.bess,
      },
      pcs: {
        power_kw: sum(p, (x) => x.powerKw),
        units_online: p.filter((x) => this.online.isOnline(x)).length,
        unit_count: this.config.units.pcs,
      },
      grid: {
        power_kw: sum(grid, (x) => x.activePower),
        frequency: grid.length > 0 ? roundTo(grid.reduce((s, x) => s + x.frequency, 0) / grid.length, 3) : null,
      },
      aux_power_kw: aux ? roundTo(aux.activePower, 2) : null,
      alerts: {
        protection: alerts.protection.length,
        warning: alerts.warning.length,
        fault: alerts.fault.length,
      },
      status: 'success',
    };
  }
}
