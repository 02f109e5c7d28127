import { Injectable, NotFoundException } from '@nestjs/common';
import { DatabaseConnection, insertRows } from '@lib/persistence';
import { In, IsNull } from 'typeorm';
import { MeterValueEntity, TransactionEntity } from '../persistence/entities';
import { OpenTransactions } from './open-transactions';
import {
  DEFAULT_CONTEXT,
  ENERGY,
  MeterValue,
  POWER,
  Reading,
  energyWh,
  powerW,
  readingKey,
  readings,
} from './meter-readings';

export type { MeterValue, SampledValue } from './meter-readings';

export interface LatestMeter {
  timestamp: string;
  values: { measurand: string; value: number; unit: string | null; phase: string | null; context: string }[];
}

/** What a session (or a connector's stray readings) was last seen to draw. */
export interface PowerReading {
  powerW: number;
  at: Date;
}

interface SessionPower {
  latest: PowerReading | null;
  /** The last time it drew anything (or, before any reading, when it started). */
  lastDrawAt: Date;
}

/** Why the CSMS itself closed a transaction (stored as its stop reason). */
export type CsmsStopReason = 'Superseded' | 'Reboot' | 'ConnectorAvailable';

export type StopOutcome =
  { kind: 'unknown' } | { kind: 'repeated'; tx: TransactionEntity } | { kind: 'stopped'; tx: TransactionEntity };

/** Below this a session is taken as drawing nothing (a meter's noise, an EV's standby). */
const DRAWING_W = 100;

/**
 * Transactions and meter values, persisted, kept as OCPP 1.6 says: a transaction is closed once
 * (a repeated StopTransaction changes nothing), one transaction per connector, and readings for a
 * transaction that is unknown or closed are kept apart (`stray`). In memory: the latest readings
 * per connector and what each open session and each stray connector draws.
 */
@Injectable()
export class TransactionsService {
  private readonly latest = new Map<string, LatestMeter>();
  private readonly sessions = new Map<number, SessionPower>();
  private readonly stray = new Map<string, PowerReading>();
  /**
   * Open transactions of the stations connected here, by id, with the newest reading this replica
   * stored for each: every MeterValues names one, and a TypeORM lookup per reading cost more CPU
   * than storing it; readings newer than the newest stored (the usual case) cannot be stored
   * already, so their duplicate lookup is skipped. Filled on start and on a miss, emptied on stop,
   * on a CSMS close and when the station leaves this replica (another replica may close its
   * transactions, or store its readings, meanwhile).
   */
  private readonly open = new OpenTransactions();

  constructor(private readonly database: DatabaseConnection) {}

  private get transactions() {
    return this.database.get().getRepository(TransactionEntity);
  }

  private get meterValues() {
    return this.database.get().getRepository(MeterValueEntity);
  }

  /** Opens a transaction; one still open on the same connector is closed first (returned in `superseded`). */
  async start(
    stationId: string,
    connectorId: number,
    idTag: string,
    meterStartWh: number,
    startedAt: Date,
  ): Promise<{ tx: TransactionEntity; superseded: TransactionEntity[] }> {
    const superseded = await this.closeOpen(stationId, connectorId, 'Superseded', startedAt);
    const tx = await this.transactions.save(
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
        closedBy: null,
      }),
    );
    this.sessions.set(tx.id, { latest: null, lastDrawAt: new Date() });
    // Opened just now: no reading of it can be stored yet, so the first ones skip the duplicate lookup.
    this.open.add(tx, Number.NEGATIVE_INFINITY);
    return { tx, superseded };
  }

  /**
   * A StopTransaction. The first one from the station closes the transaction (or corrects one the
   * CSMS closed itself with the station's own figures); any later one changes nothing.
   */
  async stop(
    stationId: string,
    transactionId: number,
    meterStopWh: number,
    stoppedAt: Date,
    reason: string | undefined,
  ): Promise<StopOutcome> {
    const tx = await this.transactions.findOneBy({ id: transactionId, stationId });
    if (!tx) return { kind: 'unknown' };
    if (tx.closedBy === 'station') return { kind: 'repeated', tx };
    const wasOpen = tx.stoppedAt === null;
    Object.assign(tx, {
      meterStopWh,
      stoppedAt: wasOpen ? stoppedAt : tx.stoppedAt,
      stopReason: reason ?? 'Local',
      energyWh: Math.max(0, meterStopWh - tx.meterStartWh),
      closedBy: 'station',
    });
    this.forget(tx);
    return { kind: 'stopped', tx: await this.transactions.save(tx) };
  }

  /**
   * Closes the open transactions of a station (or of one connector) on the CSMS's own authority:
   * the energy is taken from the last energy reading stored for each.
   */
  async closeOpen(
    stationId: string,
    connectorId: number | undefined,
    reason: CsmsStopReason,
    at: Date = new Date(),
  ): Promise<TransactionEntity[]> {
    const open = await this.transactions.find({
      where: { stationId, stoppedAt: IsNull(), ...(connectorId !== undefined && { connectorId }) },
    });
    const closed: TransactionEntity[] = [];
    for (const tx of open) {
      const meterStopWh = (await this.lastEnergyWh(tx.id)) ?? tx.meterStartWh;
      Object.assign(tx, {
        meterStopWh,
        stoppedAt: at,
        stopReason: reason,
        energyWh: Math.max(0, meterStopWh - tx.meterStartWh),
        closedBy: 'csms',
      });
      this.forget(tx);
      closed.push(await this.transactions.save(tx));
    }
    return closed;
  }

  private forget(tx: TransactionEntity): void {
    this.open.delete(tx.id);
    this.sessions.delete(tx.id);
    this.latest.delete(`${tx.stationId}/${tx.connectorId}`);
  }

  private async lastEnergyWh(transactionId: number): Promise<number | null> {
    const row = await this.meterValues.findOne({
      where: { transactionId, measurand: ENERGY, stray: false, phase: IsNull() },
      order: { timestamp: 'DESC', id: 'DESC' },
    });
    return row ? energyWh([row]) : null;
  }

  get(id: number): Promise<TransactionEntity> {
    return this.transactions.findOneBy({ id }).then((tx) => {
      if (!tx) throw new NotFoundException(`Transaction not found: ${id}`);
      return tx;
    });
  }

  /** The transaction a station names, if it is this station's and still open. */
  async findOpen(stationId: string, transactionId: number): Promise<TransactionEntity | null> {
    const known = this.open.get(transactionId)?.tx;
    if (known) return known.stationId === stationId ? known : null;
    const tx = await this.transactions.findOneBy({ id: transactionId, stationId, stoppedAt: IsNull() });
    if (tx) this.open.add(tx, null);
    return tx;
  }

  /** The station left this replica: what is known here about its open transactions may go stale. */
  stationLeft(stationId: string): void {
    this.open.forgetStation(stationId);
  }

  /** A page of transactions, newest first, and how many match in all. */
  async list(filter: {
    stationId?: string;
    active?: boolean;
    limit: number;
    offset?: number;
  }): Promise<{ rows: TransactionEntity[]; total: number }> {
    const [rows, total] = await this.transactions.findAndCount({
      where: {
        ...(filter.stationId && { stationId: filter.stationId }),
        ...(filter.active && { stoppedAt: IsNull() }),
      },
      order: { id: 'DESC' },
      skip: filter.offset ?? 0,
      take: filter.limit,
    });
    return { rows, total };
  }

  /** Every open transaction, earliest first. */
  activeAll(): Promise<TransactionEntity[]> {
    return this.transactions.find({ where: { stoppedAt: IsNull() }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  /** Transactions still open, by connector, for one station. */
  async active(stationId: string): Promise<TransactionEntity[]> {
    return this.transactions.find({ where: { stationId, stoppedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /**
   * Stores the numeric sampled values (a reading already stored for the same transaction,
   * timestamp, measurand, context and phase is stored once) and returns how many were not
   * numbers and the readings of the latest instant. Readings of a live session update the connector's latest values and the session's
   * power; `stray` ones (unknown or closed transaction) are stored apart and only counted as
   * load the site cannot steer.
   */
  async storeMeterValues(
    stationId: string,
    connectorId: number,
    transactionId: number | null,
    meterValues: MeterValue[],
    options: { stray?: boolean } = {},
  ): Promise<{ skipped: number; latest: Reading[] }> {
    const stray = options.stray ?? false;
    const { rows, skipped } = readings(meterValues);
    const fresh = transactionId === null ? rows : await this.notYetStored(transactionId, rows);
    await insertRows(
      this.database.get(),
      MeterValueEntity,
      fresh.map((r) => ({ stationId, connectorId, transactionId, ...r, stray })),
    );
    const last = meterValues.at(-1);
    if (!last) return { skipped, latest: [] };
    const at = new Date(last.timestamp);
    const now = rows.filter((r) => r.timestamp.getTime() === at.getTime());
    const drawn = powerW(now);
    if (stray) {
      if (drawn !== null) this.stray.set(`${stationId}/${connectorId}`, { powerW: drawn, at: new Date() });
      return { skipped, latest: now };
    }
    this.latest.set(`${stationId}/${connectorId}`, {
      timestamp: last.timestamp,
      values: now.map((r) => ({
        measurand: r.measurand,
        value: r.value,
        unit: r.unit,
        phase: r.phase,
        context: r.context,
      })),
    });
    if (transactionId !== null && drawn !== null) this.recordPower(transactionId, drawn, new Date());
    return { skipped, latest: now };
  }

  /** What a session draws, from this replica's stations or (on the site leader) relayed by another replica. */
  recordPower(transactionId: number, drawnW: number, at: Date): void {
    const session = this.sessions.get(transactionId) ?? { latest: null, lastDrawAt: at };
    session.latest = { powerW: drawnW, at };
    if (drawnW >= DRAWING_W) session.lastDrawAt = at;
    this.sessions.set(transactionId, session);
  }

  /** Stray readings relayed by another replica to the site leader. */
  recordStray(stationId: string, connectorId: number, drawnW: number, at: Date): void {
    this.stray.set(`${stationId}/${connectorId}`, { powerW: drawnW, at });
  }

  /** Drops readings already stored (or repeated within the batch) for this transaction. */
  private async notYetStored(transactionId: number, rows: Reading[]): Promise<Reading[]> {
    if (rows.length === 0) return rows;
    const times = rows.map((r) => r.timestamp.getTime());
    const first = Math.min(...times);
    const last = Math.max(...times);
    const open = this.open.get(transactionId);
    const newest = open?.newestReadingAt ?? null;
    const stored =
      newest !== null && first - 1000 > newest
        ? []
        : // Bound parameters, one SQL text: find() writes the id into the SQL, so SQLite prepared a
          // statement per transaction instead of reusing one.
          await this.meterValues
            .createQueryBuilder('m')
            .select(['m.timestamp', 'm.measurand', 'm.context', 'm.phase'])
            .where('m.transactionId = :transactionId', { transactionId })
            .andWhere('m.timestamp BETWEEN :from AND :to', {
              from: new Date(first - 1000),
              to: new Date(last + 1000),
            })
            .getMany();
    if (open && (newest === null || last > newest)) open.newestReadingAt = last;
    // MySQL's DATETIME keeps whole seconds (rounded or truncated by its mode): within a second is the same instant.
    const seen = new Map<string, number[]>();
    const same = (r: Pick<Reading, 'timestamp' | 'measurand' | 'context' | 'phase'>): boolean => {
      const times = seen.get(readingKey(r)) ?? [];
      const t = r.timestamp.getTime();
      if (times.some((s) => Math.abs(s - t) < 1000)) return true;
      seen.set(readingKey(r), [...times, t]);
      return false;
    };
    for (const s of stored) same({ ...s, context: s.context ?? DEFAULT_CONTEXT });
    return rows.filter((r) => !same(r));
  }

  latestMeter(stationId: string, connectorId: number): LatestMeter | null {
    return this.latest.get(`${stationId}/${connectorId}`) ?? null;
  }

  /** What an open session last drew, and since when it has drawn nothing (null while it draws). */
  sessionPower(transactionId: number): { latest: PowerReading | null; lastDrawAt: Date | null } {
    const session = this.sessions.get(transactionId);
    return { latest: session?.latest ?? null, lastDrawAt: session?.lastDrawAt ?? null };
  }

  /** Stray readings (unknown or closed transactions) newer than `since`, by station/connector. */
  strayPower(since: Date): Map<string, PowerReading> {
    return new Map([...this.stray].filter(([, r]) => r.at >= since));
  }

  /**
   * After a restart: what the open sessions last drew, from the stored readings, so the site
   * plan can be rebuilt at once.
   */
  async restore(): Promise<void> {
    const open = await this.activeAll();
    if (open.length === 0) return;
    const rows = await this.meterValues.find({
      where: { transactionId: In(open.map((t) => t.id)), measurand: POWER, stray: false },
      order: { timestamp: 'ASC', id: 'ASC' },
    });
    for (const tx of open) {
      const mine = rows.filter((r) => r.transactionId === tx.id);
      // Readings taken at one instant belong together (per-phase power is summed).
      const byTime = new Map<number, MeterValueEntity[]>();
      for (const r of mine) byTime.set(r.timestamp.getTime(), [...(byTime.get(r.timestamp.getTime()) ?? []), r]);
      const instants = [...byTime].map(([at, group]) => ({ at: new Date(at), powerW: powerW(group) ?? 0 }));
      const last = instants.at(-1);
      const lastDraw = instants.filter((i) => i.powerW >= DRAWING_W).at(-1);
      this.sessions.set(tx.id, {
        latest: last ?? null,
        lastDrawAt: lastDraw?.at ?? (last ? tx.startedAt : new Date()),
      });
    }
  }
}
