import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { SolarhubConfig } from '../solarhub-api.config';
import { assertConfigured } from '../common/units';
import { UnitOnline } from '../devices/unit-online.service';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { LatestReader } from '../telemetry/latest-reader';
import type { InverterDetail } from '../telemetry/records';
import { isoLocal } from '../analysis/history';
import type { InverterViewDto } from './inverters.dto';

/** A PV inverter's totals, trackers, strings and phases, from its latest telemetry. */
@Injectable()
export class InvertersService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly latest: LatestReader,
    private readonly online: UnitOnline,
  ) {}

  async inverter(unit: number): Promise<InverterViewDto> {
    assertConfigured('Inverter', unit, this.config.units.inverters, 'INVERTER_NUMBER');
    const [{ value, source }] = await this.latest.inverters([unit]);
    if (!value) throw new NotFoundException(`No telemetry from inverter ${unit} yet`);
    const detail = JSON.parse(value.detail) as InverterDetail;
    return {
      inverter_number: unit,
      inverter_data: {
        nominal_active_power: value.nominalActivePower,
        total_active_power: value.totalActivePower,
        total_apparent_power: value.totalApparentPower,
        total_reactive_power: value.totalReactivePower,
        daily_power_yields: value.dailyPowerYields,
        total_power_yields: value.totalPowerYields,
        internal_temperature: value.internalTemperature,
        bus_voltage: value.busVoltage,
        dc_power: value.dcPower,
      },
      mppt_data: detail.mppt,
      string_currents: detail.strings,
      phase_data: detail.phases,
      online: this.online.isOnline(value),
      updated_at: isoLocal(value.ts),
      source,
      status: 'success',
    };
  }
}
