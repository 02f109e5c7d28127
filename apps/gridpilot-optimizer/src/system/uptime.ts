import { Injectable } from '@nestjs/common';

/** Seconds since the app started, as the root, health, status and the live feed report it. */
@Injectable()
export class Uptime {
  private readonly startedAt = Date.now();

  get seconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }
}
