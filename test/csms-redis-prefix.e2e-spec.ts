import { BUS_PATTERNS } from '@lib/contracts';
import { BusPublisher } from '@lib/messaging';
import Redis from 'ioredis';
import { testServices } from './services';
import { AppProcess, buildApps, startApp } from './support/app-process';
import { eventually, http } from './support/http';
import { freePort, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

interface Plan {
  role: 'leader' | 'follower';
  leader_id: string | null;
  limit_w: number | null;
}

interface Ready {
  details: Record<string, { role?: string; fencing_token?: number; instance_id?: string }>;
}

const SITES = ['north', 'south'].map((name) => ({
  name,
  prefix: `csms-prefix-${name}-${process.pid}`,
  db: `csms_prefix_${name}_${process.pid}`,
}));

/**
 * Two sites, each its own ocpp-csms (own database, own CSMS_REDIS_PREFIX), sharing one Redis: the
 * site limit the optimizer publishes for one reaches that one only, each has its own leader lease
 * (both lead), and nothing of theirs is left outside their prefix.
 */
describe('ocpp-csms: two sites on one Redis, kept apart by CSMS_REDIS_PREFIX', () => {
  const apps: AppProcess[] = [];
  const publishers: BusPublisher[] = [];
  let redis: Redis;

  beforeAll(async () => {
    buildApps('ocpp-csms');
    redis = new Redis(testServices.redisUrl);
    for (const site of SITES) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${site.db}`);
      await mysqlAdmin(`CREATE DATABASE ${site.db}`);
      apps.push(
        await startApp('ocpp-csms', {
          OCPP_PORT: String(await freePort()),
          DATABASE_URL: mysqlDatabaseUrl(site.db),
          REDIS_URL: testServices.redisUrl,
          CSMS_REDIS_PREFIX: site.prefix,
          SITE_LEADER_LEASE_MS: '3000',
          SITE_LEADER_RENEW_MS: '500',
        }),
      );
      // As gridpilot-optimizer publishes the limit, configured with the same prefix.
      publishers.push(
        new BusPublisher({ redisUrl: testServices.redisUrl, mqtt: null, channelPrefix: site.prefix }, null),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.close()));
    for (const app of apps) await app.stop();
    for (const site of SITES) {
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${site.db}`);
      const keys = await redis.keys(`${site.prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
  });

  const limitOf = async (i: number): Promise<number | null> =>
    (await http<Plan>(`${apps[i].url}/site/charging_limit`)).body.limit_w;

  it('gives each site its own leader lease under its own prefix', async () => {
    const ready = await Promise.all(
      apps.map((app) =>
        eventually(
          () => http<Ready>(`${app.url}/health/ready`),
          (r) => r.body.details?.site_leader?.role === 'leader',
          10_000,
        ),
      ),
    );
    for (const [i, site] of SITES.entries()) {
      const instance = ready[i].body.details.site_leader.instance_id;
      expect(ready[i].body.details.site_leader.role).toBe('leader');
      expect(await redis.get(`${site.prefix}:site:leader`)).toMatch(new RegExp(`^${instance}:\\d+$`));
      expect(await redis.exists(`${site.prefix}:alive:${instance}`)).toBe(1);
    }
  });

  it('takes the site limit published on its own channel, not the other site’s', async () => {
    expect(await limitOf(0)).toBeNull();
    expect(await limitOf(1)).toBeNull();
    await publishers[0].publish(BUS_PATTERNS.siteChargingLimit, { limit: 11_000, unit: 'W' });
    expect(
      await eventually(
        () => limitOf(0),
        (l) => l === 11_000,
        10_000,
      ),
    ).toBe(11_000);
    await publishers[1].publish(BUS_PATTERNS.siteChargingLimit, { limit: 4_000, unit: 'W' });
    expect(
      await eventually(
        () => limitOf(1),
        (l) => l === 4_000,
        10_000,
      ),
    ).toBe(4_000);
    // Each kept its own: the other site's message never reached it.
    expect(await limitOf(0)).toBe(11_000);
  });

  it('ignores a limit on the unprefixed channel, where a site without a prefix would publish', async () => {
    const bare = new BusPublisher({ redisUrl: testServices.redisUrl, mqtt: null }, null);
    await eventually(
      () => Promise.resolve(bare.connected),
      (c) => c,
      5_000,
    );
    await bare.publish(BUS_PATTERNS.siteChargingLimit, { limit: 1_500, unit: 'W' });
    await bare.close();
    // A marker sent after it on the prefixed channel: once it is applied, the bare one had its chance.
    await publishers[1].publish(BUS_PATTERNS.siteChargingLimit, { limit: 4_500, unit: 'W' });
    expect(
      await eventually(
        () => limitOf(1),
        (l) => l === 4_500,
        10_000,
      ),
    ).toBe(4_500);
    expect(await limitOf(0)).toBe(11_000);
  });
});
