import { DynamicModule, Module } from '@nestjs/common';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { DatabaseOptions, PersistenceModule } from '@lib/persistence';
import { GRIDPILOT_ENTITIES } from './entities';
import { GRIDPILOT_MIGRATIONS } from './migrations';

/** The app's database: also what `main.js migrate` migrates. */
export function databaseOptions(config: GridpilotConfig): DatabaseOptions {
  return {
    url: config.databaseUrl,
    createDatabase: config.createDatabases,
    migrate: config.migrateOnStart,
    appName: 'gridpilot-optimizer',
    entities: GRIDPILOT_ENTITIES,
    migrations: GRIDPILOT_MIGRATIONS,
  };
}

/** The prices (`gp_prices`) and the dispatch records (`gp_dispatches`): one connection, global (DatabaseConnection). */
@Module({})
export class StorageModule {
  static forRoot(config: GridpilotConfig): DynamicModule {
    return { module: StorageModule, imports: [PersistenceModule.forRoot(databaseOptions(config))] };
  }
}
