import { Inject, Injectable } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import type { SiteProfilePurpose, SiteStationControlDto } from '@lib/contracts';
import { CSMS_CONFIG } from '../csms.tokens';
import { StationsService } from '../stations/stations.service';

/** How the site limit reaches one station, learnt from its answers. */
export interface StationControl {
  controllable: boolean;
  /** The purpose it accepted last: later sends start there instead of climbing the ladder again. */
  mode: SiteProfilePurpose | null;
  reason: string | null;
  retryAt: Date | null;
  failures: number;
}

/** Back-off doubles up to 2^4 times SITE_RETRY_AFTER_S. */
const MAX_BACKOFF_DOUBLINGS = 4;

/**
 * What the site plan knows of each station's way of taking its limit: the purpose it accepted
 * last, or that it takes none (no SmartCharging, or it refused every purpose) and when it is
 * tried again (SITE_RETRY_AFTER_S, doubling with each failure).
 */
@Injectable()
export class StationControlBook {
  private readonly control = new Map<string, StationControl>();

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly stations: StationsService,
  ) {}

  /** The stations the plan has learnt something of. */
  ids(): string[] {
    return [...this.control.keys()];
  }

  /** The station's control, created on first sight; a station without SmartCharging is uncontrollable. */
  of(stationId: string): StationControl {
    let c = this.control.get(stationId);
    if (!c)
      this.control.set(stationId, (c = { controllable: true, mode: null, reason: null, retryAt: null, failures: 0 }));
    const features = this.stations.liveFeatures(stationId);
    if (features && !features.includes('SmartCharging')) {
      Object.assign(c, { controllable: false, mode: null, reason: 'no SmartCharging', retryAt: null });
    } else if (!c.controllable && c.reason === 'no SmartCharging') {
      Object.assign(c, { controllable: true, reason: null });
    }
    return c;
  }

  /** Controllable now: it takes profiles, or its back-off is over and it is tried again. */
  steerable(stationId: string, now: number): boolean {
    const c = this.of(stationId);
    return c.controllable || (c.retryAt !== null && c.retryAt.getTime() <= now);
  }

  /** The station took `purpose`: later sends start there. */
  accepted(stationId: string, purpose: SiteProfilePurpose): void {
    Object.assign(this.of(stationId), { controllable: true, mode: purpose, reason: null, retryAt: null, failures: 0 });
  }

  /** The station took no purpose: uncontrollable until its back-off (returned, in s) is over. */
  refused(stationId: string, reason: string): number {
    const c = this.of(stationId);
    c.failures++;
    const backoffS = this.config.site.retryAfterS * 2 ** Math.min(c.failures - 1, MAX_BACKOFF_DOUBLINGS);
    Object.assign(c, {
      controllable: false,
      mode: null,
      reason,
      retryAt: new Date(Date.now() + backoffS * 1000),
    });
    return backoffS;
  }

  /** How the site limit reaches a station (shown with the station). */
  view(stationId: string): SiteStationControlDto {
    const c = this.control.get(stationId);
    return {
      station_id: stationId,
      controllable: c?.controllable ?? true,
      mode: c?.mode ?? null,
      reason: c?.reason ?? null,
      retry_at: c?.retryAt?.toISOString() ?? null,
    };
  }
}
