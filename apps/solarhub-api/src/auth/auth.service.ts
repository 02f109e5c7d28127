import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
} from '@nestjs/common';
import * as argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { In, IsNull } from 'typeorm';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases } from '../storage/databases';
import { RefreshTokenEntity, RoleEntity, UserEntity, UserRoleEntity } from '../storage/entities';
import { isoLocal } from '../analysis/history';
import type { CreateUserDto, UpdateUserDto } from './auth.dto';
import { LoginThrottle } from './login-throttle';
import { isRole } from '@lib/auth';
import { SessionRevocations } from './session-revocations';
import { TokensService, unauthorized } from './tokens.service';

const ROLES = [
  { name: 'admin', description: 'Administrator' },
  { name: 'operator', description: 'Operator' },
  { name: 'viewer', description: 'Read-only user' },
];
/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** Users, logins, refresh-token rotation with reuse detection, and logout. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the user does not exist, so timing does not reveal usernames. */
  private decoy: Promise<string> = hashPassword(randomUUID());

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
    private readonly tokens: TokensService,
    private readonly throttle: LoginThrottle,
    private readonly revocations: SessionRevocations,
  ) {}

  /** Creates the roles and the first admin once the ess database is there (not blocking start-up). */
  onApplicationBootstrap(): void {
    void this.databases.whenReady().then(
      () => this.ensureAdmin(),
      () => undefined,
    );
  }

  private source() {
    return this.databases.source('ess');
  }

  async ensureAdmin(): Promise<void> {
    try {
      const roles = this.source().getRepository(RoleEntity);
      for (const role of ROLES) {
        if (!(await roles.findOneBy({ name: role.name }))) await roles.insert(role);
      }
      const users = this.source().getRepository(UserEntity);
      if ((await users.count()) > 0) return;
      await this.createUser({
        username: this.config.admin.username,
        email: this.config.admin.email,
        password: this.config.admin.password,
        roles: ['admin'],
      });
      this.logger.log(`created the first admin user "${this.config.admin.username}"`);
    } catch (error) {
      this.logger.warn(`admin user not created: ${(error as Error).message}`);
    }
  }

  async createUser(dto: CreateUserDto) {
    const users = this.source().getRepository(UserEntity);
    if (await users.findOneBy({ username: dto.username })) {
      throw new ConflictException(`User ${dto.username} already exists`);
    }
    const user = await users.save(
      users.create({
        username: dto.username,
        email: dto.email,
        passwordHash: await hashPassword(dto.password),
        active: true,
        confirmedAt: new Date(),
        createdAt: new Date(),
      }),
    );
    const roles = await this.source()
      .getRepository(RoleEntity)
      .findBy({ name: In(dto.roles ?? ['viewer']) });
    if (roles.length > 0) {
      await this.source()
        .getRepository(UserRoleEntity)
        .insert(roles.map((r) => ({ userId: user.id, roleId: r.id })));
    }
    return this.describe(user);
  }

  private async rolesOf(userId: number): Promise<RoleEntity[]> {
    const links = await this.source().getRepository(UserRoleEntity).findBy({ userId });
    if (links.length === 0) return [];
    return this.source()
      .getRepository(RoleEntity)
      .find({ where: { id: In(links.map((l) => l.roleId)) }, order: { id: 'ASC' } });
  }

  async describe(user: UserEntity) {
    const roles = await this.rolesOf(user.id);
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      active: user.active,
      confirmed_at: user.confirmedAt ? isoLocal(user.confirmedAt) : null,
      roles: roles.map((r) => ({ id: r.id, name: r.name, description: r.description })),
    };
  }

  /** Changes roles, activity or password; the user's open sessions end on every app, so new roles apply at once. */
  async updateUser(id: number, dto: UpdateUserDto, actor: string) {
    const users = this.source().getRepository(UserEntity);
    const user = await users.findOneBy({ id });
    if (!user) throw new NotFoundException(`User ${id} not found`);
    if (user.username === actor && (dto.active === false || (dto.roles && !dto.roles.includes('admin')))) {
      throw new ConflictException('An admin cannot deactivate or demote themselves');
    }
    if (dto.active !== undefined) user.active = dto.active;
    if (dto.password !== undefined) user.passwordHash = await hashPassword(dto.password);
    await users.save(user);
    if (dto.roles) {
      const links = this.source().getRepository(UserRoleEntity);
      await links.delete({ userId: id });
      const roles = await this.source()
        .getRepository(RoleEntity)
        .findBy({ name: In(dto.roles) });
      if (roles.length > 0) await links.insert(roles.map((r) => ({ userId: id, roleId: r.id })));
    }
    await this.endSessionsOf(id);
    return this.describe(user);
  }

  /** Deactivates a user (kept for the record) and ends their sessions everywhere. */
  async deleteUser(id: number, actor: string): Promise<void> {
    await this.updateUser(id, { active: false }, actor);
  }

  private async endSessionsOf(userId: number): Promise<void> {
    const open = await this.source()
      .getRepository(RefreshTokenEntity)
      .find({ where: { userId, revokedAt: IsNull() }, select: { familyId: true } });
    for (const familyId of new Set(open.map((t) => t.familyId))) await this.revokeSession(familyId);
  }

  async listUsers() {
    const users = await this.source()
      .getRepository(UserEntity)
      .find({ order: { id: 'ASC' } });
    return { users: await Promise.all(users.map((u) => this.describe(u))), status: 'success' };
  }

  async login(username: string, password: string, address: string): Promise<TokenPair> {
    await this.throttle.check(username, address);
    const user = await this.source().getRepository(UserEntity).findOneBy({ username });
    const ok = await argon2.verify(user?.passwordHash ?? (await this.decoy), password).catch(() => false);
    if (!user || !ok) {
      await this.throttle.failed(username, address);
      throw unauthorized('Incorrect username or password');
    }
    if (!user.active) throw new ForbiddenException('Inactive user');
    await this.throttle.succeeded(username, address);
    return this.startSession(user, randomUUID());
  }

  private async startSession(user: UserEntity, familyId: string): Promise<TokenPair> {
    const roles = (await this.rolesOf(user.id)).map((r) => r.name).filter(isRole);
    const issued = await this.tokens.issue({ sub: String(user.id), username: user.username, roles, sid: familyId });
    await this.source().getRepository(RefreshTokenEntity).insert({
      jti: issued.refreshJti,
      familyId,
      userId: user.id,
      expiresAt: issued.refreshExp,
      usedAt: null,
      revokedAt: null,
      createdAt: new Date(),
    });
    return {
      access_token: issued.access,
      refresh_token: issued.refresh,
      token_type: 'bearer',
      expires_in: this.config.auth.accessTtlS,
    };
  }

  /**
   * Rotation: a refresh token works once. Presenting one that was already used means it leaked,
   * so the whole session (every token of its family) is revoked.
   */
  async refresh(token: string): Promise<TokenPair> {
    const claims = await this.tokens.verifyRefresh(token);
    const repo = this.source().getRepository(RefreshTokenEntity);
    const row = await repo.findOneBy({ jti: claims.jti });
    if (!row || row.familyId !== claims.sid || row.revokedAt) throw unauthorized('Refresh token revoked');
    const claimed = await repo.update({ jti: row.jti, usedAt: IsNull() }, { usedAt: new Date() });
    if (!claimed.affected) {
      await this.revokeSession(row.familyId);
      this.logger.warn(`refresh token reuse for user ${row.userId}: session ${row.familyId} revoked`);
      throw unauthorized('Refresh token reuse detected; the session has been revoked');
    }
    const user = await this.source().getRepository(UserEntity).findOneBy({ id: row.userId });
    if (!user) throw unauthorized();
    if (!user.active) throw new ForbiddenException('Inactive user');
    return this.startSession(user, row.familyId);
  }

  /** Ends a session: its refresh tokens here, its access tokens on every app (through the revoked list). */
  async revokeSession(familyId: string): Promise<void> {
    await this.source()
      .getRepository(RefreshTokenEntity)
      .update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await this.revocations.revoke(familyId);
  }

  /** The user behind a verified access token. */
  async currentUser(subject: string): Promise<UserEntity> {
    const id = Number(subject);
    const user = Number.isInteger(id) ? await this.source().getRepository(UserEntity).findOneBy({ id }) : null;
    if (!user) throw unauthorized('Not a user token');
    if (!user.active) throw new ForbiddenException('Inactive user');
    return user;
  }
}
