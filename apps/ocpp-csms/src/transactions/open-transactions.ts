import type { TransactionEntity } from '../persistence/entities';

/** An open transaction this replica knows, with the newest reading it stored for it. */
export interface OpenTransaction {
  tx: TransactionEntity;
  /**
   * Epoch ms of the newest reading stored for it: `null` when unknown (loaded after a restart or
   * from another replica), `-Infinity` when none can be stored yet (opened here just now).
   */
  newestReadingAt: number | null;
}

/**
 * The open transactions of the stations connected to this replica, by id and by station: a station
 * leaving forgets its own in the time of its own few, so 5,000 stations dropping at once (a load
 * balancer restart) do not scan the whole map 5,000 times.
 */
export class OpenTransactions {
  private readonly byId = new Map<number, OpenTransaction>();
  private readonly byStation = new Map<string, Set<number>>();

  get(id: number): OpenTransaction | undefined {
    return this.byId.get(id);
  }

  add(tx: TransactionEntity, newestReadingAt: number | null): void {
    this.delete(tx.id);
    this.byId.set(tx.id, { tx, newestReadingAt });
    let ids = this.byStation.get(tx.stationId);
    if (!ids) this.byStation.set(tx.stationId, (ids = new Set()));
    ids.add(tx.id);
  }

  delete(id: number): void {
    const known = this.byId.get(id);
    if (!known) return;
    this.byId.delete(id);
    const ids = this.byStation.get(known.tx.stationId);
    ids?.delete(id);
    if (ids?.size === 0) this.byStation.delete(known.tx.stationId);
  }

  /** Forgets every open transaction of a station. */
  forgetStation(stationId: string): void {
    for (const id of this.byStation.get(stationId) ?? []) this.byId.delete(id);
    this.byStation.delete(stationId);
  }

  get size(): number {
    return this.byId.size;
  }
}
