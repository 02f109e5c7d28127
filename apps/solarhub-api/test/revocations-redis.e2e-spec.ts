import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RevocationBus, RevokedSessions } from '@lib/auth';
import { BUS_PATTERNS } from '@lib/contracts';
import { eventually } from '../../../test/support/http';
import { testServices } from '../../../test/services';

/**
 * Revoked sessions on a real Redis shared by two sites: solarhub-api publishes the whole list under
 * `<AUTH_REDIS_PREFIX>:<topic>` (a key for apps that start later, a channel for news), and an app
 * hears only its own site's list.
 */
describe('revoked sessions on a Redis shared by two sites (AUTH_REDIS_PREFIX)', () => {
  const run = `${process.pid}-${Date.now()}`;
  const siteA = `site-a-${run}`;
  const siteB = `site-b-${run}`;
  const buses: RevocationBus[] = [];
  const redis = new Redis(testServices.redisUrl);

  const bus = (prefix: string, sessions = new RevokedSessions()): { bus: RevocationBus; sessions: RevokedSessions } => {
    const made = new RevocationBus(
      { redisUrl: testServices.redisUrl, mqttUrl: null, redisPrefix: prefix },
      'test',
      sessions,
    );
    buses.push(made);
    return { bus: made, sessions };
  };

  afterAll(async () => {
    for (const b of buses) await b.close();
    await redis.del(`${siteA}:${BUS_PATTERNS.revokedSessions}`, `${siteB}:${BUS_PATTERNS.revokedSessions}`);
    await redis.quit();
  });

  it("an app hears its own site's revocations, live and on a late start, and never the other site's", async () => {
    const publisherA = bus(siteA);
    const listenerA = bus(siteA);
    const listenerB = bus(siteB);
    listenerA.bus.subscribe();
    listenerB.bus.subscribe();
    await eventually(
      () => Promise.resolve(listenerA.bus.connected && listenerB.bus.connected),
      (up) => up,
      5000,
    );

    const sid = randomUUID();
    publisherA.sessions.revoke(sid, Math.floor(Date.now() / 1000) + 600);
    await publisherA.bus.publish();

    await eventually(
      () => Promise.resolve(listenerA.sessions.isRevoked(sid)),
      (revoked) => revoked,
      5000,
    );
    // The list is under site A's key only; an app of site A that starts now reads it from there.
    expect(await redis.exists(`${siteA}:${BUS_PATTERNS.revokedSessions}`)).toBe(1);
    expect(await redis.exists(`${siteB}:${BUS_PATTERNS.revokedSessions}`)).toBe(0);
    const lateA = bus(siteA);
    lateA.bus.subscribe();
    await eventually(
      () => Promise.resolve(lateA.sessions.isRevoked(sid)),
      (revoked) => revoked,
      5000,
    );
    // Site B heard nothing: its list stays its own (before the prefix, each site's publish
    // replaced the other's list in the shared key).
    const lateB = bus(siteB);
    lateB.bus.subscribe();
    await eventually(
      () => Promise.resolve(lateB.bus.connected),
      (up) => up,
      5000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(listenerB.sessions.isRevoked(sid)).toBe(false);
    expect(lateB.sessions.isRevoked(sid)).toBe(false);
  });
});
