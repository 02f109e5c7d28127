import { Injectable } from '@nestjs/common';
import { SolarhubDatabases } from '../storage/databases';
import { LatestStore } from '../storage/latest-store';
import { IngestionService } from '../telemetry/ingestion.service';
import { TelemetryWriter } from '../telemetry/telemetry-writer';
import type { DetailedHealthDto } from './health.dto';

export const SERVICE_NAME = 'SolarHub API';
export const SERVICE_VERSION = '1.0.0';

/** The state of every database domain, both Redis instances and the broker. */
@Injectable()
export class HealthService {
  constructor(
    private readonly databases: SolarhubDatabases,
    private readonly store: LatestStore,
    private readonly ingestion: IngestionService,
    private readonly writer: TelemetryWriter,
  ) {}

  async detailedHealth(): Promise<DetailedHealthDto> {
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
}
