import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@lib/observability';
import { DatabaseConnection, DatabaseOptions } from './database';

@Global()
@Module({})
export class PersistenceModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Provides a DatabaseConnection for DATABASE_URL and makes readiness depend on it. */
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [{ provide: DatabaseConnection, useValue: new DatabaseConnection(options) }],
      exports: [DatabaseConnection],
    };
  }

  onModuleInit(): void {
    this.readiness.register('database', () => this.database.state());
    this.database.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.database.close();
  }
}
