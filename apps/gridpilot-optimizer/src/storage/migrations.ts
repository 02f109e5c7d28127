import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreatePricesAndDispatches1764000000000 implements MigrationInterface {
  name = 'CreatePricesAndDispatches1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'gp_prices',
        columns: [
          { name: 'at', type: 'datetime', isPrimary: true },
          { name: 'energy_price', type: 'double' },
          { name: 'hash_price', type: 'double' },
          { name: 'token_price', type: 'double' },
          { name: 'volume', type: 'double' },
          { name: 'source', type: 'varchar', length: '16' },
        ],
      }),
      true,
    );
    await runner.createTable(
      new Table({
        name: 'gp_dispatches',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'created_at', type: 'datetime' },
          { name: 'origin', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'constraints_satisfied', type: 'boolean' },
          { name: 'total_power_kw', type: 'double' },
          { name: 'allocation', type: 'text' },
          { name: 'result', type: 'text' },
        ],
        indices: [{ name: 'IDX_gp_dispatches_created_at', columnNames: ['created_at'] }],
      }),
      true,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('gp_dispatches', true);
    await runner.dropTable('gp_prices', true);
  }
}

export const GRIDPILOT_MIGRATIONS = [CreatePricesAndDispatches1764000000000];
