import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { roundTo } from '@lib/power';
import type { SolarhubConfig } from '../solarhub-api.config';
import { assertConfigured } from '../common/units';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { UnitOnline } from '../devices/unit-online.service';
import { Latest, LatestReader } from '../telemetry/latest-reader';
import { BessLatest, RACK_ALARMS, RackRow } from '../telemetry/records';
import { isoLocal } from '../analysis/history';
import type { BessSummaryDto, BessViewDto, RackAlertsDto } from './bess.dto';

const NORMAL = '正常';
const ABNORMAL = '異常';
const NO_COMMUNICATION = '通訊中斷';
/** The rack alarm bits behind each of the document's battery alert columns. */
const bitsOf = (pick: (a: (typeof RACK_ALARMS)[number]) => boolean): number =>
  RACK_ALARMS.filter(pick).reduce((bits, a) => bits | a.bit, 0);
const PROTECTION_BITS = bitsOf((a) => a.level === 'protection');
const TEMPERATURE_BITS = bitsOf((a) => a.flag === 'over_temperature');
const IMBALANCE_BITS = bitsOf((a) => a.flag === 'cell_imbalance');
const rackLabel = (i: number): string => `Rack ${String(i).padStart(2, '0')}`;
const rackId = (i: number): string => `rack${String(i).padStart(2, '0')}`;

/** A BESS unit's rack table and a rack's alarms in every unit, from the latest telemetry. */
@Injectable()
export class BessService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly latest: LatestReader,
    private readonly online: UnitOnline,
  ) {}

  /** Each unit's view as JSON, rebuilt only when its latest value changes (the hot dashboard path). */
  private readonly bessJson = new WeakMap<object, { online: boolean; json: string }>();

  async bessAsJson(unit: number): Promise<string> {
    assertConfigured('BESS', unit, this.config.units.bess, 'BESS_NUMBER');
    const latest = await this.latest.bess(unit);
    // Values from Redis keep their identity while unchanged; database rows are new objects each time.
    if (!latest.value || latest.source !== 'redis') return JSON.stringify(this.bessView(unit, latest));
    const online = this.online.isOnline(latest.value);
    let cached = this.bessJson.get(latest.value);
    if (cached?.online !== online) {
      cached = { online, json: JSON.stringify(this.bessView(unit, latest)) };
      this.bessJson.set(latest.value, cached);
    }
    return cached.json;
  }

  private bessView(unit: number, { value, source }: Latest<BessLatest>): BessViewDto {
    const count = this.config.units.racks;
    const head = Array.from({ length: count }, (_, i) => rackLabel(i + 1));
    const racks = new Map((value?.racks ?? []).map((r) => [r.rackNumber, r]));
    const metric = (name: string, pick: (r: RackRow) => string) => ({
      metric: name,
      ...Object.fromEntries(
        head.map((label, i) => {
          const rack = racks.get(rackId(i + 1));
          return [label, rack ? pick(rack) : '-'];
        }),
      ),
    });
    return {
      bess_number: unit,
      bess_type: this.config.bessType,
      table_head: head,
      data: [
        metric('Mode', (r) => r.mode),
        metric('Voltage (V)', (r) => r.voltage.toFixed(1)),
        metric('Current (A)', (r) => r.current.toFixed(1)),
        metric('SOC (%)', (r) => r.socPct.toFixed(1)),
        metric('Temperature (°C)', (r) => r.temperatureC.toFixed(1)),
        metric('Alarm', (r) => (r.alarmBits === 0 ? NORMAL : ABNORMAL)),
      ],
      summary: value ? bessSummary(value) : null,
      online: this.online.isOnline(value),
      updated_at: value ? isoLocal(value.ts) : null,
      source,
      status: 'success',
    };
  }

  async rackAlerts(rack: string): Promise<RackAlertsDto> {
    const index = Number(rack.slice(4));
    if (index > this.config.units.racks)
      throw new NotFoundException(`${rack} is not configured (RACK_NUMBER=${this.config.units.racks})`);
    const units = await this.latest.allBess(this.config.units.bess);
    const battery: Record<string, string> = {};
    const bams: Record<string, string> = {};
    units.forEach(({ value }, i) => {
      const n = i + 1;
      const reading = value?.racks.find((r) => r.rackNumber === rack);
      const state = (mask: number): string => (!reading ? '-' : (reading.alarmBits & mask) === 0 ? NORMAL : ABNORMAL);
      battery[`battery_${n}_protection`] = state(PROTECTION_BITS);
      battery[`battery_${n}_alarm`] = state(TEMPERATURE_BITS);
      battery[`battery_${n}_warning`] = state(IMBALANCE_BITS);
      bams[`bams_${63 + n}_status`] = reading && this.online.isFresh(value?.ts) ? NORMAL : NO_COMMUNICATION;
    });
    return { rack_number: rack, battery_alerts: battery, bams_alerts: bams, status: 'success' };
  }
}

function bessSummary(b: BessLatest): BessSummaryDto {
  return {
    mode: b.mode,
    soc_pct: roundTo(b.socPct, 1),
    power_kw: roundTo(b.powerKw, 2),
    capacity_kwh: roundTo(b.capacityKwh, 2),
    charge_energy_kwh: roundTo(b.chargeEnergyKwh, 2),
    discharge_energy_kwh: roundTo(b.dischargeEnergyKwh, 2),
  };
}
