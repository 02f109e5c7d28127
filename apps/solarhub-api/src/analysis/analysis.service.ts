import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { roundTo } from '@lib/power';
import type { DataSource } from 'typeorm';
import { SiteClock } from '@lib/config';
import { SolarhubConfig, bessDomain } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SolarhubDatabases } from '../storage/databases';
import type { FreqPowerQuery, PowerIoQuery, PowerLossQuery } from './analysis.dto';
import type { AuxQuery } from '../meters/meters.dto';
import {
  DAY_MS,
  Edges,
  MINUTE_MS,
  SeriesQuery,
  bucketExpr,
  bucketStats,
  counterDeltas,
  isoLocal,
  siteQueryTime,
  sumOfAverages,
  uniformEdges,
} from './history';

type BessCounter = 'charge_energy_kwh' | 'discharge_energy_kwh';
const AUX_CHART_BUCKET_MS = 15 * MINUTE_MS;

/** Site history queries shared by the analysis, meter and income endpoints. */
@Injectable()
export class HistoryQueries {
  /** Days, months and hours of day are the site's (SITE_TIMEZONE). */
  readonly clock: SiteClock;

  constructor(
    @Inject(SOLARHUB_CONFIG) readonly config: SolarhubConfig,
    private readonly databases: SolarhubDatabases,
  ) {
    this.clock = new SiteClock(config.timezone);
  }

  /** A per-unit series summed over the BESS units, each queried in its own database. */
  private async sumOverBess(
    series: (source: DataSource, q: SeriesQuery) => Promise<Map<number, number>>,
    edges: Edges,
  ): Promise<Map<number, number>> {
    const total = new Map<number, number>();
    for (let unit = 1; unit <= this.config.units.bess; unit++) {
      const part = await series(this.databases.source(bessDomain(unit)), {
        table: 'sh_bess_readings',
        unitColumn: 'bess_number',
        units: [unit],
        edges,
      });
      for (const [b, v] of part) total.set(b, (total.get(b) ?? 0) + v);
    }
    return total;
  }

  /** Energy in or out of all batteries per bucket (kWh), from their cumulative registers. */
  bessEnergy(counter: BessCounter, edges: Edges): Promise<Map<number, number>> {
    return this.sumOverBess((source, q) => counterDeltas(source, { ...q, counter }), edges);
  }

  /** Total battery power per bucket (kW, discharge positive). */
  bessPower(edges: Edges): Promise<Map<number, number>> {
    return this.sumOverBess(
      async (source, q) => sumOfAverages(await bucketStats(source, { ...q, value: 'power_kw' })),
      edges,
    );
  }

  meterEnergy(meterIds: number[], edges: Edges): Promise<Map<number, number>> {
    return counterDeltas(this.databases.source('meter'), {
      table: 'sh_meter_readings',
      unitColumn: 'meter_id',
      units: meterIds,
      counter: 'energy_kwh',
      edges,
    });
  }

  meterStats(meterIds: number[], column: string, edges: Edges) {
    return bucketStats(this.databases.source('meter'), {
      table: 'sh_meter_readings',
      unitColumn: 'meter_id',
      units: meterIds,
      value: column,
      edges,
    });
  }

  /** The meters at the grid connection: every meter but the auxiliary one. */
  gridMeters(): number[] {
    return Array.from({ length: this.config.units.meters }, (_, i) => i + 1).filter(
      (m) => m !== this.config.units.auxMeterId,
    );
  }

  async baseline(edges: Edges): Promise<Map<number, number>> {
    const source = this.databases.source('baseline');
    const bucket = bucketExpr(source, 'ts', edges);
    const rows: { b: number | string; f: number }[] = await source.query(
      `SELECT ${bucket} AS b, AVG(frequency_hz) AS f FROM sh_frequency_baseline WHERE ts >= ? AND ts < ? GROUP BY ${bucket}`,
      [edges[0], edges[edges.length - 1]],
    );
    return new Map(rows.map((r) => [edges[Number(r.b)], Number(r.f)]));
  }
}

/**
 * Document 001's analysis endpoints and the auxiliary meter, computed from stored history. Days and
 * months are the site's local ones (SITE_TIMEZONE): a query's date without an offset is a local
 * wall-clock time, `date` fields are local dates, `time` fields stay UTC instants.
 */
@Injectable()
export class AnalysisService {
  constructor(private readonly history: HistoryQueries) {}

  private get clock(): SiteClock {
    return this.history.clock;
  }

  async powerLoss(q: PowerLossQuery) {
    const clock = this.clock;
    const start = clock.dayStart(siteQueryTime(clock, 'start_time', q.start_time));
    const edges = clock.dayEdges(start, q.days);
    const [charge, discharge, aux] = await Promise.all([
      this.history.bessEnergy('charge_energy_kwh', edges),
      this.history.bessEnergy('discharge_energy_kwh', edges),
      this.history.meterEnergy([this.history.config.units.auxMeterId], edges),
    ]);
    const daily = [];
    for (const day of edges.slice(0, -1)) {
      if (day > Date.now()) break;
      const c = charge.get(day) ?? 0;
      const d = discharge.get(day) ?? 0;
      daily.push({
        date: clock.date(day),
        discharge_energy: roundTo(d, 2),
        charge_energy: roundTo(c, 2),
        loss: roundTo(c - d, 2),
        efficiency: c > 0 ? roundTo((d / c) * 100, 1) : null,
        aux_consumption: roundTo(aux.get(day) ?? 0, 2),
      });
    }
    const totalCharge = daily.reduce((s, x) => s + x.charge_energy, 0);
    const totalDischarge = daily.reduce((s, x) => s + x.discharge_energy, 0);
    return {
      start_date: clock.date(start),
      unit: 'kWh',
      daily_data: daily,
      total_discharge: roundTo(totalDischarge, 2),
      total_charge: roundTo(totalCharge, 2),
      total_loss: roundTo(totalCharge - totalDischarge, 2),
      avg_efficiency: totalCharge > 0 ? roundTo((totalDischarge / totalCharge) * 100, 1) : null,
      total_aux: roundTo(
        daily.reduce((s, x) => s + x.aux_consumption, 0),
        2,
      ),
    };
  }

  async powerIo(q: PowerIoQuery) {
    const clock = this.clock;
    const at = siteQueryTime(clock, 'select_time', q.select_time);
    let edges: number[];
    if (q.data_type === 'daily') {
      // The local day's hours: 23 or 25 on a DST change.
      edges = clock.hourEdges(clock.dayStart(at));
    } else {
      const from = clock.monthStart(at);
      edges = clock.dayEdges(from, Math.round((clock.addMonths(from, 1) - from) / DAY_MS));
    }
    const [charge, discharge] = await Promise.all([
      this.history.bessEnergy('charge_energy_kwh', edges),
      this.history.bessEnergy('discharge_energy_kwh', edges),
    ]);
    const data = edges.slice(0, -1).map((t) => ({
      time: q.data_type === 'daily' ? isoLocal(t) : clock.date(t),
      charge_energy: roundTo(charge.get(t) ?? 0, 2),
      discharge_energy: roundTo(discharge.get(t) ?? 0, 2),
    }));
    return {
      select_time: q.select_time,
      data_type: q.data_type,
      unit: 'kWh',
      data,
      total_charge: roundTo(
        data.reduce((s, x) => s + x.charge_energy, 0),
        2,
      ),
      total_discharge: roundTo(
        data.reduce((s, x) => s + x.discharge_energy, 0),
        2,
      ),
      status: 'success',
    };
  }

  async freqPower(q: FreqPowerQuery) {
    let from: number;
    const bucket = q.date_period * MINUTE_MS;
    if (q.select_mode === 'selectTimeMode') {
      if (!q.select_time) {
        throw new UnprocessableEntityException({
          detail: [
            { type: 'missing', loc: ['query', 'select_time'], msg: 'Field required in selectTimeMode', input: null },
          ],
        });
      }
      from = Math.floor(siteQueryTime(this.clock, 'select_time', q.select_time) / bucket) * bucket;
    } else {
      from = Math.floor((Date.now() - DAY_MS) / bucket) * bucket + bucket;
    }
    const to = from + DAY_MS;
    const edges = uniformEdges(from, to, bucket);
    const [frequency, power, baseline] = await Promise.all([
      this.history.meterStats(this.history.gridMeters(), 'frequency', edges),
      this.history.bessPower(edges),
      this.history.baseline(edges),
    ]);
    const series = (m: Map<number, number>, digits: number): [number, number][] =>
      [...m.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => [t, roundTo(v, digits)]);
    const meanFrequency = new Map(
      [...frequency].map(([t, perMeter]) => {
        const values = [...perMeter.values()];
        return [t, values.reduce((s, v) => s + v.avg, 0) / values.length];
      }),
    );
    return {
      date_period: q.date_period,
      select_time: q.select_time ?? null,
      select_mode: q.select_mode,
      from: isoLocal(from),
      to: isoLocal(to),
      frequency_data: series(meanFrequency, 3),
      power_data: series(power, 2),
      baseline_data: series(baseline, 3),
    };
  }

  async aux(q: AuxQuery) {
    const clock = this.clock;
    const day = clock.dayStart(q.time ? siteQueryTime(clock, 'time', q.time) : Date.now());
    const end = clock.addDays(day, 1);
    const meter = this.history.config.units.auxMeterId;
    if (q.data_type === 'chart') {
      const stats = await this.history.meterStats([meter], 'active_power', uniformEdges(day, end, AUX_CHART_BUCKET_MS));
      const data = [...stats.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([t, perMeter]) => ({ time: isoLocal(t), power: roundTo(perMeter.get(meter)?.avg ?? 0, 2) }));
      return { date: clock.date(day), meter_id: meter, data, data_type: 'chart', status: 'success' };
    }
    const [energy, stats] = await Promise.all([
      this.history.meterEnergy([meter], [day, end]),
      this.history.meterStats([meter], 'active_power', [day, end]),
    ]);
    const s = stats.get(day)?.get(meter);
    return {
      date: clock.date(day),
      meter_id: meter,
      data: {
        total_energy: roundTo(energy.get(day) ?? 0, 2),
        avg_power: s ? roundTo(s.avg, 2) : null,
        max_power: s ? roundTo(s.max, 2) : null,
        min_power: s ? roundTo(s.min, 2) : null,
      },
      data_type: 'summary',
      status: 'success',
    };
  }
}
