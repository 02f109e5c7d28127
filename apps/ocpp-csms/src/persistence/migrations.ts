import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions, TableIndex } from 'typeorm';

/** A generated id; SQLite auto-increments only a column typed exactly INTEGER (64-bit there). */
const id = (type: string): TableColumnOptions => ({
  name: 'id',
  type,
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const text = (name: string, length: number, nullable = true): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const at = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'datetime', isNullable: nullable });

export class CreateCsms1764000000000 implements MigrationInterface {
  name = 'CreateCsms1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const mysql = runner.connection.options.type === 'mysql';
    const intId = mysql ? 'int' : 'integer';
    const bigId = mysql ? 'bigint' : 'integer';
    await runner.createTable(
      new Table({
        name: 'csms_stations',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          text('vendor', 50),
          text('model', 50),
          text('serial_number', 50),
          text('firmware_version', 50),
          text('feature_profiles', 255),
          { name: 'number_of_connectors', type: 'int', default: 1 },
          { name: 'max_power_w', type: 'int', isNullable: true },
          text('password_hash', 255),
          { name: 'registered', type: 'boolean', default: true },
          at('last_boot_at'),
          at('created_at', false),
        ],
      }),
      true,
    );
    await runner.createTable(
      new Table({
        name: 'csms_id_tags',
        columns: [
          { name: 'id_tag', type: 'varchar', length: '20', isPrimary: true },
          { name: 'status', type: 'varchar', length: '16', default: "'Accepted'" },
          at('expiry_date'),
          at('created_at', false),
        ],
      }),
      true,
    );
    await runner.createTable(
      new Table({
        name: 'csms_transactions',
        columns: [
          id(intId),
          text('station_id', 64, false),
          { name: 'connector_id', type: 'int' },
          text('id_tag', 20, false),
          { name: 'meter_start_wh', type: 'bigint' },
          { name: 'meter_stop_wh', type: 'bigint', isNullable: true },
          at('started_at', false),
          at('stopped_at'),
          text('stop_reason', 32),
          { name: 'energy_wh', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ columnNames: ['station_id', 'connector_id'] })],
      }),
      true,
    );
    await runner.createTable(
      new Table({
        name: 'csms_meter_values',
        columns: [
          id(bigId),
          text('station_id', 64, false),
          { name: 'connector_id', type: 'int' },
          { name: 'transaction_id', type: 'int', isNullable: true },
          at('timestamp', false),
          { name: 'measurand', type: 'varchar', length: '64', default: "'Energy.Active.Import.Register'" },
          { name: 'value', type: 'double' },
          text('unit', 16),
          text('phase', 8),
        ],
        indices: [new TableIndex({ columnNames: ['station_id', 'connector_id', 'timestamp'] })],
      }),
      true,
    );
    await runner.createTable(
      new Table({
        name: 'csms_charging_profiles',
        columns: [
          id(intId),
          text('station_id', 64, false),
          { name: 'connector_id', type: 'int' },
          { name: 'charging_profile_id', type: 'int' },
          text('purpose', 32, false),
          { name: 'stack_level', type: 'int' },
          { name: 'profile', type: 'text' },
          at('sent_at', false),
        ],
        indices: [new TableIndex({ columnNames: ['station_id'] })],
      }),
      true,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'csms_charging_profiles',
      'csms_meter_values',
      'csms_transactions',
      'csms_id_tags',
      'csms_stations',
    ]) {
      await runner.dropTable(table, true);
    }
  }
}

export class CreateSettings1764100000000 implements MigrationInterface {
  name = 'CreateSettings1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'csms_settings',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
      true,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('csms_settings', true);
  }
}

/**
 * Field-proof bookkeeping: the sampled value's context (so MeterValues and StopTransaction's
 * transactionData are told apart and stored once), meter values kept apart when their transaction
 * is unknown or closed, and who closed a transaction (the station's StopTransaction, or the CSMS).
 */
export class FieldBookkeeping1765000000000 implements MigrationInterface {
  name = 'FieldBookkeeping1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumns('csms_meter_values', [
      new TableColumn({ name: 'context', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'stray', type: 'boolean', default: false }),
    ]);
    await runner.createIndex(
      'csms_meter_values',
      new TableIndex({ name: 'IDX_csms_meter_values_tx', columnNames: ['transaction_id', 'timestamp'] }),
    );
    await runner.addColumn(
      'csms_transactions',
      new TableColumn({ name: 'closed_by', type: 'varchar', length: '8', isNullable: true }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('csms_transactions', 'closed_by');
    await runner.dropIndex('csms_meter_values', 'IDX_csms_meter_values_tx');
    await runner.dropColumns('csms_meter_values', ['context', 'stray']);
  }
}

export const CSMS_MIGRATIONS = [CreateCsms1764000000000, CreateSettings1764100000000, FieldBookkeeping1765000000000];
