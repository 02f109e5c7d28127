import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

export class CreateDevices1763900000000 implements MigrationInterface {
  name = 'CreateDevices1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'iot_devices',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'location', type: 'varchar', length: '200', default: "''" },
          { name: 'base_power_kw', type: 'double' },
          { name: 'base_voltage_v', type: 'double' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'powered_on', type: 'boolean', default: true },
          { name: 'power_setpoint_kw', type: 'double', isNullable: true },
          { name: 'interval_ms', type: 'int', isNullable: true },
          { name: 'energy_kwh', type: 'double', default: 0 },
          { name: 'seq', type: 'bigint', default: 0 },
          { name: 'created_at', type: 'datetime' },
        ],
      }),
      true,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('iot_devices', true);
  }
}

/** Energy assets (PV, BESS, PCS, meter) keep SOC, mode, counters and weather between restarts. */
export class AddAssetState1763990000000 implements MigrationInterface {
  name = 'AddAssetState1763990000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('iot_devices', new TableColumn({ name: 'asset_state', type: 'text', isNullable: true }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('iot_devices', 'asset_state');
  }
}

export const IOT_MOCK_MIGRATIONS = [CreateDevices1763900000000, AddAssetState1763990000000];
