import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { SOLARHUB_BASE_DOMAINS, SolarhubConfig, SolarhubDomain, bessDomain } from '../solarhub-api.config';
import { ReadinessRegistry } from '@lib/observability';
import { DatabaseConnection, DatabaseOptions, parseDatabaseUrl } from '@lib/persistence';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import * as entities from './entities';
import * as migrations from './migrations';

type DomainKind = (typeof SOLARHUB_BASE_DOMAINS)[number] | 'bess';
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Classes = Function[];

/** What each kind of domain holds: its entities and the migration that creates them. */
const DOMAIN_PARTS: Record<DomainKind, { entities: Classes; migrations: Classes }> = {
  ess: {
    entities: [
      entities.UserEntity,
      entities.RoleEntity,
      entities.UserRoleEntity,
      entities.RefreshTokenEntity,
      entities.ServiceTokenEntity,
      entities.AlertEntity,
    ],
    migrations: [migrations.CreateSolarhubEss1764100000000, migrations.CreateSolarhubServiceTokens1764900000000],
  },
  bess: {
    entities: [entities.BessReadingEntity, entities.RackReadingEntity],
    migrations: [migrations.CreateSolarhubBess1764100000001],
  },
  pcs: { entities: [entities.PcsReadingEntity], migrations: [migrations.CreateSolarhubPcs1764100000002] },
  meter: { entities: [entities.MeterReadingEntity], migrations: [migrations.CreateSolarhubMeter1764100000003] },
  inverter: {
    entities: [entities.InverterReadingEntity],
    migrations: [migrations.CreateSolarhubInverter1764100000004],
  },
  baseline: {
    entities: [entities.FrequencyBaselineEntity],
    migrations: [migrations.CreateSolarhubBaseline1764100000005],
  },
  schedule: {
    entities: [entities.ScheduleEventEntity],
    migrations: [migrations.CreateSolarhubSchedule1764100000006],
  },
};

const kindOf = (domain: SolarhubDomain): DomainKind => (domain.startsWith('bess') ? 'bess' : (domain as DomainKind));

/** Where a connection points, for topology and health output (no credentials). */
export function describeTarget(url: string): { type: string; host: string; port: number | null; database: string } {
  const target = parseDatabaseUrl(url);
  if (target.type === 'sqlite') return { type: 'sqlite', host: 'localhost', port: null, database: target.path };
  const u = new URL(target.url);
  return { type: 'mysql', host: u.hostname, port: Number(u.port || 3306), database: u.pathname.slice(1) };
}

/** The domains shown: the base ones and BESS1…N. */
function domainsOf(config: SolarhubConfig): SolarhubDomain[] {
  return [...SOLARHUB_BASE_DOMAINS, ...Array.from({ length: config.units.bess }, (_, i) => bessDomain(i + 1))];
}

/** One database per distinct URL, with the tables of the domains it holds: also what `main.js migrate` migrates. */
export function solarhubDatabaseOptions(config: SolarhubConfig): DatabaseOptions[] {
  const groups = new Map<string, Set<DomainKind>>();
  for (const domain of domainsOf(config)) {
    const url = config.databases[domain];
    groups.set(url, (groups.get(url) ?? new Set()).add(kindOf(domain)));
  }
  return [...groups].map(([url, kinds]) => {
    const parts = [...kinds].map((k) => DOMAIN_PARTS[k]);
    return {
      url,
      createDatabase: config.createDatabases,
      migrate: config.migrateOnStart,
      appName: 'solarhub-api',
      entities: parts.flatMap((p) => p.entities),
      migrations: parts.flatMap((p) => p.migrations),
    };
  });
}

/**
 * The document's database domains (ess, schedule, meter, pcs, inverter, baseline, BESS1…N). By
 * default they share one database; DB_NAME_* moves a domain to its own. Each distinct database gets
 * one connection that migrates exactly the tables of the domains it holds.
 */
@Injectable()
export class SolarhubDatabases implements OnModuleInit, OnApplicationShutdown {
  readonly domains: SolarhubDomain[];
  private readonly byDomain = new Map<SolarhubDomain, DatabaseConnection>();
  private readonly connections: { url: string; connection: DatabaseConnection }[] = [];

  constructor(
    @Inject(SOLARHUB_CONFIG) config: SolarhubConfig,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.domains = domainsOf(config);
    for (const options of solarhubDatabaseOptions(config)) {
      const connection = new DatabaseConnection(options);
      this.connections.push({ url: options.url, connection });
      for (const domain of this.domains) {
        if (config.databases[domain] === options.url) this.byDomain.set(domain, connection);
      }
    }
  }

  onModuleInit(): void {
    this.readiness.register('database', async () => {
      const states = await Promise.all(this.connections.map((c) => c.connection.state()));
      const down = states.filter((s) => !s.up);
      return {
        up: down.length === 0,
        info: { databases: this.connections.length, ...(down.length > 0 ? { error: down[0].info?.error } : {}) },
      };
    });
    for (const { connection } of this.connections) connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.connection.close()));
  }

  /** The data source of a domain, or 503 naming it while that database is unreachable. */
  source(domain: SolarhubDomain): DataSource {
    const connection = this.byDomain.get(domain);
    if (!connection) throw new ServiceUnavailableException(`No database configured for ${domain}`);
    if (!connection.connected) throw new ServiceUnavailableException(`Database unavailable (${domain})`);
    return connection.get();
  }

  connected(domain: SolarhubDomain): boolean {
    return this.byDomain.get(domain)?.connected === true;
  }

  whenReady(): Promise<void> {
    return Promise.all(this.connections.map((c) => c.connection.whenReady())).then(() => undefined);
  }

  /** Each domain's reachability, checked with a round trip per distinct database. */
  async domainStates(): Promise<Record<string, boolean>> {
    const up = new Map<DatabaseConnection, boolean>();
    await Promise.all(this.connections.map(async (c) => up.set(c.connection, (await c.connection.state()).up)));
    return Object.fromEntries(
      this.domains.map((d) => {
        const connection = this.byDomain.get(d);
        return [d, connection ? (up.get(connection) ?? false) : false];
      }),
    );
  }

  /** The distinct databases, for the topology graph. */
  targets(): { url: string; up: boolean }[] {
    return this.connections.map((c) => ({ url: c.url, up: c.connection.connected }));
  }
}
