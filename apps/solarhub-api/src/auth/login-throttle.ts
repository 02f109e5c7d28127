import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { HeaderedHttpException } from '@lib/observability';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { LatestStore } from '../storage/latest-store';

/** 429 with the seconds until the window ends, as Retry-After. */
export class TooManyAttempts extends HeaderedHttpException {
  constructor(retryAfterS: number) {
    super(`Too many failed login attempts; retry in ${retryAfterS} s`, HttpStatus.TOO_MANY_REQUESTS, {
      'retry-after': String(retryAfterS),
    });
  }
}

/**
 * Failed logins per (username, client address) in a fixed window: after LOGIN_MAX_FAILURES
 * within LOGIN_FAILURE_WINDOW_S the pair gets 429 until the window ends. Counted in Redis, so
 * every replica sees the same count; in memory while Redis is away.
 */
@Injectable()
export class LoginThrottle {
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly store: LatestStore,
  ) {}

  private key(username: string, address: string): string {
    return `login:${username.toLowerCase()}|${address}`;
  }

  private get windowMs(): number {
    return this.config.login.windowS * 1000;
  }

  private localCount(key: string, increment: boolean): { count: number; ttlMs: number } {
    const now = Date.now();
    let entry = this.local.get(key);
    if (!entry || entry.resetAt <= now) entry = { count: 0, resetAt: now + this.windowMs };
    if (increment) entry.count += 1;
    this.local.set(key, entry);
    if (this.local.size > 100_000) for (const [k, e] of this.local) if (e.resetAt <= now) this.local.delete(k);
    return { count: entry.count, ttlMs: entry.resetAt - now };
  }

  private async count(key: string, increment: boolean): Promise<{ count: number; ttlMs: number }> {
    return (await this.store.countInWindow(key, this.windowMs, increment)) ?? this.localCount(key, increment);
  }

  /** Refuses the attempt while the pair is over the limit. */
  async check(username: string, address: string): Promise<void> {
    const { count, ttlMs } = await this.count(this.key(username, address), false);
    if (count >= this.config.login.maxFailures) throw new TooManyAttempts(Math.max(1, Math.ceil(ttlMs / 1000)));
  }

  async failed(username: string, address: string): Promise<void> {
    await this.count(this.key(username, address), true);
  }

  async succeeded(username: string, address: string): Promise<void> {
    const key = this.key(username, address);
    this.local.delete(key);
    await this.store.forget(key);
  }
}
