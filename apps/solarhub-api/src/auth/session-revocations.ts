import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IsNull, MoreThan, Not } from 'typeorm';
import { RevocationBus, RevokedSessions } from '@lib/auth';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases } from '../storage/databases';
import { RefreshTokenEntity, ServiceTokenEntity } from '../storage/entities';

/**
 * Ends sessions everywhere: the revoked session goes into this app's set at once and, as the whole
 * list, onto the bus for every other app (within the 2 s the bus takes). On start the list is
 * rebuilt from the database, so a restart forgets nothing that has not expired.
 */
@Injectable()
export class SessionRevocations implements OnApplicationBootstrap {
  private readonly logger = new Logger('revocations');

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly sessions: RevokedSessions,
    private readonly bus: RevocationBus,
  ) {}

  onApplicationBootstrap(): void {
    void this.databases.whenReady().then(
      () => this.reload(),
      () => undefined,
    );
  }

  private async reload(): Promise<void> {
    try {
      const source = this.databases.source('ess');
      const ttlS = this.config.auth.accessTtlS;
      const since = new Date(Date.now() - ttlS * 1000);
      const families = await source
        .getRepository(RefreshTokenEntity)
        .find({ where: { revokedAt: MoreThan(since) }, select: { familyId: true, revokedAt: true } });
      for (const f of families) this.sessions.revoke(f.familyId, (f.revokedAt as Date).getTime() / 1000 + ttlS);
      const services = await source
        .getRepository(ServiceTokenEntity)
        .findBy({ revokedAt: Not(IsNull()), expiresAt: MoreThan(new Date()) });
      for (const s of services) this.sessions.revoke(s.id, s.expiresAt.getTime() / 1000);
      await this.publish();
    } catch (error) {
      this.logger.warn(`revoked sessions not reloaded: ${(error as Error).message}`);
    }
  }

  /** Refuses the session's tokens from now until `untilS` (default: until its access tokens expire). */
  async revoke(sessionId: string, untilS = Date.now() / 1000 + this.config.auth.accessTtlS): Promise<void> {
    this.sessions.revoke(sessionId, Math.ceil(untilS));
    await this.publish();
  }

  private async publish(): Promise<void> {
    // The local set already holds it; a bus that is down delays only the other apps (tokens stay short-lived).
    await this.bus.publish().catch((error: Error) => this.logger.warn(`revocations not published: ${error.message}`));
  }
}
