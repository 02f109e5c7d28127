import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { SolarhubConfig } from '@lib/config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { DeviceStatusService } from '../telemetry/device-status.service';
import { Latest, LatestReader } from '../telemetry/latest-reader';
import {
  BessLatest,
  InverterDetail,
  MeterRow,
  PCS_ALERT_WORDS,
  PCS_WORD_COLUMNS,
  RACK_ALARMS,
  RackRow,
  word16,
} from '../telemetry/records';
import { isoLocal, round } from '../analytics/history';

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

/** The asset endpoints of document 001, built from the latest telemetry of each unit. */
@Injectable()
export class AssetsService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly latest: LatestReader,
    private readonly statuses: DeviceStatusService,
  ) {}

  private assertConfigured(what: string, unit: number, count: number, variable: string): void {
    if (unit > count) throw new NotFoundException(`${what} ${unit} is not configured (${variable}=${count})`);
  }

  isFresh(ts: number | undefined): boolean {
    return ts !== undefined && Date.now() - ts <= this.config.ingest.staleS * 1000;
  }

  /** Online: its telemetry is fresh and neither its status nor its service's says offline. */
  isOnline(value: { ts: number; deviceId: string } | null | undefined): boolean {
    return !!value && this.isFresh(value.ts) && this.statuses.isOnline(value.deviceId);
  }

  /** Each unit's view as JSON, rebuilt only when its latest value changes (the hot dashboard path). */
  private readonly bessJson = new WeakMap<object, { online: boolean; json: string }>();

  async bessAsJson(unit: number): Promise<string> {
    this.assertConfigured('BESS', unit, this.config.units.bess, 'BESS_NUMBER');
    const latest = await this.latest.bess(unit);
    // Values from Redis keep their identity while unchanged; database rows are new objects each time.
    if (!latest.value || latest.source !== 'redis') return JSON.stringify(this.bessView(unit, latest));
    const online = this.isOnline(latest.value);
    let cached = this.bessJson.get(latest.value);
    if (cached?.online !== online) {
      cached = { online, json: JSON.stringify(this.bessView(unit, latest)) };
      this.bessJson.set(latest.value, cached);
    }
    return cached.json;
  }

  private bessView(unit: number, { value, source }: Latest<BessLatest>) {
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
      online: this.isOnline(value),
      updated_at: value ? isoLocal(value.ts) : null,
      source,
      status: 'success',
    };
  }

  async rackAlerts(rack: string) {
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
      bams[`bams_${63 + n}_status`] = reading && this.isFresh(value?.ts) ? NORMAL : NO_COMMUNICATION;
    });
    return { rack_number: rack, battery_alerts: battery, bams_alerts: bams, status: 'success' };
  }

  async pcs(unit: number) {
    this.assertConfigured('PCS', unit, this.config.units.pcs, 'PCS_NUMBER');
    const [{ value, source }] = await this.latest.pcs([unit]);
    return {
      pcs_number: unit,
      pcs_type: this.config.pcsType,
      mode: value?.mode ?? null,
      active_power: value ? round(value.powerKw) : null,
      reactive_power: value ? round(value.reactivePower) : null,
      dc_voltage: value ? round(value.dcVoltage) : null,
      online: this.isOnline(value),
      updated_at: value ? isoLocal(value.ts) : null,
      source,
      status: 'success',
    };
  }

  async pcsAlert(unit: number) {
    this.assertConfigured('PCS', unit, this.config.units.pcs, 'PCS_NUMBER');
    const [{ value }] = await this.latest.pcs([unit]);
    const words = Object.fromEntries(
      PCS_ALERT_WORDS.map((w) => [w, value ? word16(value[PCS_WORD_COLUMNS[w]]) : null]),
    );
    return { pcs_number: unit, ...words, updated_at: value ? isoLocal(value.ts) : null, status: 'success' };
  }

  async meters() {
    const units = Array.from({ length: this.config.units.meters }, (_, i) => i + 1);
    const latest = await this.latest.meters(units);
    const meters = latest.flatMap(({ value }) =>
      value ? [{ ...meterView(value), online: this.isOnline(value) }] : [],
    );
    return {
      meters,
      meter_count: meters.length,
      total_power: round(meters.reduce((sum, m) => sum + m.active_power, 0)),
      source: latest.every((l) => l.source === 'redis') ? 'redis' : 'database',
      status: 'success',
    };
  }

  async inverter(unit: number) {
    this.assertConfigured('Inverter', unit, this.config.units.inverters, 'INVERTER_NUMBER');
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
      online: this.isOnline(value),
      updated_at: isoLocal(value.ts),
      source,
      status: 'success',
    };
  }
}

function bessSummary(b: BessLatest) {
  return {
    mode: b.mode,
    soc_pct: round(b.socPct, 1),
    power_kw: round(b.powerKw),
    capacity_kwh: round(b.capacityKwh),
    charge_energy_kwh: round(b.chargeEnergyKwh),
    discharge_energy_kwh: round(b.dischargeEnergyKwh),
  };
}

export function meterView(m: MeterRow) {
  return {
    meter_id: m.meterId,
    phase_a_current: m.phaseACurrent,
    phase_b_current: m.phaseBCurrent,
    phase_c_current: m.phaseCCurrent,
    phase_a_voltage: m.phaseAVoltage,
    phase_b_voltage: m.phaseBVoltage,
    phase_c_voltage: m.phaseCVoltage,
    active_power: m.activePower,
    reactive_power: m.reactivePower,
    apparent_power: m.apparentPower,
    frequency: m.frequency,
    power_factor: m.powerFactor,
    updated_at: isoLocal(m.ts),
  };
}
