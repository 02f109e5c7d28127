import { DynamicModule, Global, Module } from '@nestjs/common';
import type { SolarhubConfig } from './solarhub-api.config';
import { SOLARHUB_CONFIG } from './solarhub.tokens';
import { SolarhubDatabases } from './storage/databases';
import { LatestStore } from './storage/latest-store';

/** What every feature reads: the app's configuration, its databases and the latest values in Redis. */
@Global()
@Module({})
export class SolarhubCoreModule {
  static forRoot(config: SolarhubConfig): DynamicModule {
    return {
      module: SolarhubCoreModule,
      providers: [{ provide: SOLARHUB_CONFIG, useValue: config }, SolarhubDatabases, LatestStore],
      exports: [SOLARHUB_CONFIG, SolarhubDatabases, LatestStore],
    };
  }
}
