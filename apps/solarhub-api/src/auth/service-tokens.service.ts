import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import { isRole } from '@lib/auth';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases } from '../storage/databases';
import { ServiceTokenEntity } from '../storage/entities';
import type { CreateServiceTokenDto, CreatedServiceTokenDto, ServiceTokenDto } from './service-tokens.dto';
import { SessionRevocations } from './session-revocations';
import { TokensService } from './tokens.service';

const DAY_MS = 86_400_000;

function view(row: ServiceTokenEntity): ServiceTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: isRole(row.role) ? row.role : 'viewer',
    apps: row.apps ? row.apps.split(',') : null,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    revoked_at: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}

/** Long-lived tokens for machine clients: created by an admin, listed without the token, revoked everywhere. */
@Injectable()
export class ServiceTokensService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly tokens: TokensService,
    private readonly revocations: SessionRevocations,
  ) {}

  private repo() {
    return this.databases.source('ess').getRepository(ServiceTokenEntity);
  }

  async create(dto: CreateServiceTokenDto, createdBy: string): Promise<CreatedServiceTokenDto> {
    const maxDays = this.config.jwt.serviceTokenMaxDays;
    const days = dto.expires_in_days ?? maxDays;
    if (days > maxDays) {
      throw new BadRequestException(`expires_in_days: at most ${maxDays} (SERVICE_TOKEN_MAX_DAYS)`);
    }
    const row = this.repo().create({
      id: randomUUID(),
      name: dto.name,
      role: dto.role,
      apps: dto.apps ? [...new Set(dto.apps)].join(',') : null,
      createdBy,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + days * DAY_MS),
      revokedAt: null,
    });
    await this.repo().insert(row);
    const token = await this.tokens.issueService({
      id: row.id,
      name: row.name,
      role: dto.role,
      apps: dto.apps ? [...new Set(dto.apps)] : null,
      expiresAt: row.expiresAt,
    });
    return { ...view(row), token };
  }

  async list(): Promise<ServiceTokenDto[]> {
    const rows = await this.repo().find({ order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async revoke(id: string): Promise<void> {
    const row = await this.repo().findOneBy({ id });
    if (!row) throw new NotFoundException(`Service token ${id} not found`);
    if (!row.revokedAt) {
      await this.repo().update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    }
    await this.revocations.revoke(row.id, row.expiresAt.getTime() / 1000);
  }
}
