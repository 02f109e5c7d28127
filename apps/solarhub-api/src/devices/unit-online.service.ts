import { Inject, Injectable } from '@nestjs/common';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { DeviceStatusService } from './device-status.service';

/** Whether a unit counts as online in the asset views and the overview. */
@Injectable()
export class UnitOnline {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly statuses: DeviceStatusService,
  ) {}

  isFresh(ts: number | undefined): boolean {
    return ts !== undefined && Date.now() - ts <= this.config.ingest.staleS * 1000;
  }

  /** Online: its telemetry is fresh and neither its status nor its service's says offline. */
  isOnline(value: { ts: number; deviceId: string } | null | undefined): boolean {
    return !!value && this.isFresh(value.ts) && this.statuses.isOnline(value.deviceId);
  }
}
