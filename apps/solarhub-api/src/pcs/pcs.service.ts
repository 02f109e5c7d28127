import { Inject, Injectable } from '@nestjs/common';
import { roundTo } from '@lib/power';
import type { SolarhubConfig } from '../solarhub-api.config';
import { assertConfigured } from '../common/units';
import { UnitOnline } from '../devices/unit-online.service';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { LatestReader } from '../telemetry/latest-reader';
import { PCS_ALERT_WORDS, PCS_WORD_COLUMNS, word16 } from '../telemetry/records';
import { isoLocal } from '../analysis/history';
import type { PcsAlertDto, PcsAlertWordStrings, PcsViewDto } from './pcs.dto';

/** A PCS unit's view and its status words, from the latest telemetry. */
@Injectable()
export class PcsService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly latest: LatestReader,
    private readonly online: UnitOnline,
  ) {}

  async pcs(unit: number): Promise<PcsViewDto> {
    assertConfigured('PCS', unit, this.config.units.pcs, 'PCS_NUMBER');
    const [{ value, source }] = await this.latest.pcs([unit]);
    return {
      pcs_number: unit,
      pcs_type: this.config.pcsType,
      mode: value?.mode ?? null,
      active_power: value ? roundTo(value.powerKw, 2) : null,
      reactive_power: value ? roundTo(value.reactivePower, 2) : null,
      dc_voltage: value ? roundTo(value.dcVoltage, 2) : null,
      online: this.online.isOnline(value),
      updated_at: value ? isoLocal(value.ts) : null,
      source,
      status: 'success',
    };
  }

  async pcsAlert(unit: number): Promise<PcsAlertDto & PcsAlertWordStrings> {
    assertConfigured('PCS', unit, this.config.units.pcs, 'PCS_NUMBER');
    const [{ value }] = await this.latest.pcs([unit]);
    const words = Object.fromEntries(
      PCS_ALERT_WORDS.map((w) => [w, value ? word16(value[PCS_WORD_COLUMNS[w]]) : null]),
    ) as PcsAlertWordStrings;
    return { pcs_number: unit, ...words, updated_at: value ? isoLocal(value.ts) : null, status: 'success' };
  }
}
