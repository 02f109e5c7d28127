import { DatabaseConnection } from '@lib/persistence';
import { CSMS_ENTITIES, MeterValueEntity, TransactionEntity } from './entities';
import { CSMS_MIGRATIONS } from './migrations';

/** The embedded default (SQLite) must run the same migrations as MySQL (tested in the e2e suite). */
describe('CSMS migrations on SQLite', () => {
  it('create every table, with generated ids', async () => {
    const db = new DatabaseConnection({
      url: 'sqlite::memory:',
      appName: 'ocpp-csms',
      entities: CSMS_ENTITIES,
      migrations: CSMS_MIGRATIONS,
      retryDelayMs: 50,
    });
    db.start();
    await db.whenReady();
    try {
      const tx = await db.get().getRepository(TransactionEntity).save({
        stationId: 'S',
        connectorId: 1,
        idTag: 'T',
        meterStartWh: 0,
        startedAt: new Date(),
        meterStopWh: null,
        stoppedAt: null,
        stopReason: null,
        energyWh: null,
      });
      expect(tx.id).toBe(1);
      await db.get().getRepository(MeterValueEntity).insert({
        stationId: 'S',
        connectorId: 1,
        transactionId: tx.id,
        timestamp: new Date(),
        measurand: 'Power.Active.Import',
        value: 7360,
        unit: 'W',
        phase: null,
      });
      expect(await db.get().getRepository(MeterValueEntity).count()).toBe(1);
    } finally {
      await db.close();
    }
  });
});
