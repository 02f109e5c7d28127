import { Injectable, NotFoundException } from '@nestjs/common';
import { DatabaseConnection, insertRows } from '@lib/persistence';
import { IsNull } from 'typeorm';
import { MeterValueEntity, TransactionEntity } from '../persistence/entities';

export interface SampledValue {
  value: string;
  measurand?: string;
  unit?: string;
  phase?: string;
  context?: string;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

export interface LatestMeter {
  timestamp: string;
  values: { measurand: string; value: number; unit: string | null; phase: string | null }[];
}

/** Transactions and meter values, persisted; the latest meter reading per connector kept in memory. */
@Injectable()
export class TransactionsService {
  private readonly latest = new Map<string, LatestMeter>();

  constructor(private readonly database: DatabaseConnection) {}

  private get transactions() {
    return this.database.get().getRepository(TransactionEntity);
  }

  async start(
    stationId: string,
    connectorId: number,
    idTag: string,
    meterStartWh: number,
    startedAt: Date,
  ): Promise<TransactionEntity> {
    return this.transactions.save(
      this.transactions.create({
        stationId,
        connectorId,
        idTag,
        meterStartWh,
        startedAt,
        meterStopWh: null,
        stoppedAt: null,
        stopReason: null,
        energyWh: null,
      }),
    );
  }

  /** Closes a transaction; returns null for an id the CSMS never issued to this station. */
  async stop(
    stationId: string,
    transactionId: number,
    meterStopWh: number,
    stoppedAt: Date,
    reason: string | undefined,
  ): Promise<TransactionEntity | null> {
    const tx = await this.transactions.findOneBy({ id: transactionId, stationId });
    if (!tx) return null;
    Object.assign(tx, {
      meterStopWh,
      stoppedAt,
      stopReason: reason ?? 'Local',
      energyWh: Math.max(0, meterStopWh - tx.meterStartWh),
    });
    return this.transactions.save(tx);
  }

  get(id: number): Promise<TransactionEntity> {
    return this.transactions.findOneBy({ id }).then((tx) => {
      if (!tx) throw new NotFoundException(`Transaction not found: ${id}`);
      return tx;
    });
  }

  list(filter: { stationId?: string; active?: boolean; limit: number }): Promise<TransactionEntity[]> {
    return this.transactions.find({
      where: {
        ...(filter.stationId && { stationId: filter.stationId }),
        ...(filter.active && { stoppedAt: IsNull() }),
      },
      order: { id: 'DESC' },
      take: filter.limit,
    });
  }

  /** Every open transaction, earliest first. */
  activeAll(): Promise<TransactionEntity[]> {
    return this.transactions.find({ where: { stoppedAt: IsNull() }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  /** Transactions still open, by connector, for one station. */
  async active(stationId: string): Promise<TransactionEntity[]> {
    return this.transactions.find({ where: { stationId, stoppedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** Stores every numeric sampled value; a value that is not a number is skipped and counted by the caller. */
  async storeMeterValues(
    stationId: string,
    connectorId: number,
    transactionId: number | null,
    meterValues: MeterValue[],
  ): Promise<number> {
    const rows: Partial<MeterValueEntity>[] = [];
    let skipped = 0;
    for (const mv of meterValues) {
      for (const sv of mv.sampledValue) {
        const value = Number(sv.value);
        if (!Number.isFinite(value)) {
          skipped++;
          continue;
        }
        rows.push({
          stationId,
          connectorId,
          transactionId,
          timestamp: new Date(mv.timestamp),
          measurand: sv.measurand ?? 'Energy.Active.Import.Register',
          value,
          unit: sv.unit ?? null,
          phase: sv.phase ?? null,
        });
      }
    }
    await insertRows(this.database.get(), MeterValueEntity, rows);
    const last = meterValues.at(-1);
    if (last) {
      this.latest.set(`${stationId}/${connectorId}`, {
        timestamp: last.timestamp,
        values: rows
          .filter((r) => r.timestamp?.getTime() === new Date(last.timestamp).getTime())
          .map((r) => ({
            measurand: r.measurand ?? '',
            value: r.value ?? 0,
            unit: r.unit ?? null,
            phase: r.phase ?? null,
          })),
      });
    }
    return skipped;
  }

  latestMeter(stationId: string, connectorId: number): LatestMeter | null {
    return this.latest.get(`${stationId}/${connectorId}`) ?? null;
  }
}
