import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * One migration per database domain, so a domain can live in its own database (DB_NAME_*) or share
 * one with the others. SQLite auto-increments only a column typed exactly INTEGER.
 */
type Col = TableColumnOptions;
const isMysql = (runner: QueryRunner): boolean => runner.connection.options.type === 'mysql';
const id = (runner: QueryRunner, big = false): Col => ({
  name: 'id',
  type: isMysql(runner) ? (big ? 'bigint' : 'int') : 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const str = (name: string, length: number, nullable = false): Col => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const int = (name: string): Col => ({ name, type: 'int' });
const big = (name: string): Col => ({ name, type: 'bigint' });
const dbl = (...names: string[]): Col[] => names.map((name) => ({ name, type: 'double' }));
const at = (name: string, nullable = false): Col => ({ name, type: 'datetime', isNullable: nullable });
const bool = (name: string, fallback?: boolean): Col => ({
  name,
  type: 'boolean',
  ...(fallback === undefined ? {} : { default: fallback }),
});
const index = (columnNames: string[], isUnique = false): TableIndex => new TableIndex({ columnNames, isUnique });

/** A telemetry history table: unit, device, seq (unique per device) and the epoch-ms time. */
function readings(runner: QueryRunner, name: string, unit: string, columns: Col[], uniqueExtra: string[] = []): Table {
  return new Table({
    name,
    columns: [id(runner, true), int(unit), str('device_id', 64), big('seq'), big('ts'), ...columns],
    indices: [index(['device_id', 'seq', ...uniqueExtra], true), index([unit, 'ts'])],
  });
}

async function createAll(runner: QueryRunner, tables: Table[]): Promise<void> {
  for (const table of tables) await runner.createTable(table, true);
}
async function dropAll(runner: QueryRunner, names: string[]): Promise<void> {
  for (const name of names) await runner.dropTable(name, true);
}

export class CreateSolarhubEss1764100000000 implements MigrationInterface {
  name = 'CreateSolarhubEss1764100000000';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      new Table({
        name: 'sh_users',
        columns: [
          id(runner),
          str('username', 80),
          str('email', 255, true),
          str('password_hash', 255),
          bool('active', true),
          at('confirmed_at', true),
          at('created_at'),
        ],
        indices: [index(['username'], true)],
      }),
      new Table({
        name: 'sh_roles',
        columns: [id(runner), str('name', 80), str('description', 255, true)],
        indices: [index(['name'], true)],
      }),
      new Table({
        name: 'sh_user_roles',
        columns: [
          { ...int('user_id'), isPrimary: true },
          { ...int('role_id'), isPrimary: true },
        ],
      }),
      new Table({
        name: 'sh_refresh_tokens',
        columns: [
          { ...str('jti', 36), isPrimary: true },
          str('family_id', 36),
          int('user_id'),
          at('expires_at'),
          at('used_at', true),
          at('revoked_at', true),
          at('created_at'),
        ],
        indices: [index(['family_id'])],
      }),
      new Table({
        name: 'sh_alerts',
        columns: [
          id(runner),
          str('source', 32),
          str('code', 64),
          str('level', 16),
          str('message', 255),
          at('raised_at'),
          at('cleared_at', true),
        ],
        indices: [index(['cleared_at'])],
      }),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_alerts', 'sh_refresh_tokens', 'sh_user_roles', 'sh_roles', 'sh_users']);
  }
}

export class CreateSolarhubBess1764100000001 implements MigrationInterface {
  name = 'CreateSolarhubBess1764100000001';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      readings(runner, 'sh_bess_readings', 'bess_number', [
        str('mode', 16),
        ...dbl('soc_pct', 'power_kw', 'capacity_kwh', 'charge_energy_kwh', 'discharge_energy_kwh'),
      ]),
      readings(
        runner,
        'sh_rack_readings',
        'bess_number',
        [
          str('rack_number', 8),
          str('mode', 16),
          ...dbl('voltage', 'current', 'soc_pct', 'temperature_c'),
          int('alarm_bits'),
        ],
        ['rack_number'],
      ),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_rack_readings', 'sh_bess_readings']);
  }
}

export class CreateSolarhubPcs1764100000002 implements MigrationInterface {
  name = 'CreateSolarhubPcs1764100000002';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      readings(runner, 'sh_pcs_readings', 'pcs_number', [
        str('mode', 16),
        ...dbl('power_kw', 'reactive_power', 'dc_voltage'),
        ...[
          'inverter_status',
          'inverter_inhibits1_status',
          'environment_status',
          'warning_status',
          'grid_status',
          'fault_status1',
          'fault_status2',
        ].map(int),
      ]),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_pcs_readings']);
  }
}

export class CreateSolarhubMeter1764100000003 implements MigrationInterface {
  name = 'CreateSolarhubMeter1764100000003';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      readings(
        runner,
        'sh_meter_readings',
        'meter_id',
        dbl(
          'phase_a_current',
          'phase_b_current',
          'phase_c_current',
          'phase_a_voltage',
          'phase_b_voltage',
          'phase_c_voltage',
          'active_power',
          'reactive_power',
          'apparent_power',
          'frequency',
          'power_factor',
          'energy_kwh',
        ),
      ),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_meter_readings']);
  }
}

export class CreateSolarhubInverter1764100000004 implements MigrationInterface {
  name = 'CreateSolarhubInverter1764100000004';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      readings(runner, 'sh_inverter_readings', 'inverter_number', [
        ...dbl(
          'nominal_active_power',
          'total_active_power',
          'total_apparent_power',
          'total_reactive_power',
          'daily_power_yields',
          'total_power_yields',
          'internal_temperature',
          'bus_voltage',
          'dc_power',
        ),
        { name: 'detail', type: 'text' },
      ]),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_inverter_readings']);
  }
}

export class CreateSolarhubBaseline1764100000005 implements MigrationInterface {
  name = 'CreateSolarhubBaseline1764100000005';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      new Table({
        name: 'sh_frequency_baseline',
        columns: [{ ...big('ts'), isPrimary: true }, ...dbl('frequency_hz', 'power_kw')],
      }),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_frequency_baseline']);
  }
}

export class CreateSolarhubSchedule1764100000006 implements MigrationInterface {
  name = 'CreateSolarhubSchedule1764100000006';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      new Table({
        name: 'sh_schedule_events',
        columns: [
          id(runner),
          str('mode', 16),
          int('time_number'),
          at('time_start'),
          at('time_end'),
          at('time_date'),
          bool('is_get'),
          bool('interrupt'),
          ...dbl('quote_capacity', 'power', 'price', 'quote_price'),
          str('quote_code', 32, true),
          str('title', 128),
          str('description', 255, true),
        ],
        indices: [index(['time_start', 'mode'], true)],
      }),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_schedule_events']);
  }
}

export class CreateSolarhubServiceTokens1764900000000 implements MigrationInterface {
  name = 'CreateSolarhubServiceTokens1764900000000';
  async up(runner: QueryRunner): Promise<void> {
    await createAll(runner, [
      new Table({
        name: 'sh_service_tokens',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('name', 80),
          str('role', 16),
          str('apps', 255, true),
          str('created_by', 80),
          at('created_at'),
          at('expires_at'),
          at('revoked_at', true),
        ],
      }),
    ]);
  }
  async down(runner: QueryRunner): Promise<void> {
    await dropAll(runner, ['sh_service_tokens']);
  }
}
