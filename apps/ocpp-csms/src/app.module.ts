import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { OcppCsmsConfig } from './ocpp-csms.config';
import { ObservabilityModule, ServiceInfoModule } from '@lib/observability';
import { DatabaseOptions, PersistenceModule } from '@lib/persistence';
import { StationBusService } from './bus/station-bus.service';
import { CSMS_CONFIG } from './csms.tokens';
import { CentralSystemService } from './ocpp/central-system.service';
import { CsmsEvents } from './ocpp/csms-events';
import { OcppLogService } from './ocpp/ocpp-log.service';
import { StationRouter } from './ocpp/station-router';
import { CSMS_ENTITIES } from './persistence/entities';
import { CSMS_MIGRATIONS } from './persistence/migrations';
import { SiteLeaderService } from './site/site-leader.service';
import { SiteLoadService } from './site/site-load.service';
import { SiteProfileSender } from './site/profile-sender';
import { SiteRelay } from './site/site-relay';
import { SiteLimitStore } from './site/site-limit.store';
import { SiteSessionBook } from './site/site-sessions';
import { StationControlBook } from './site/station-control';
import { SiteController } from './site/site.controller';
import { SmartChargingController } from './smart-charging/smart-charging.controller';
import { SmartChargingService } from './smart-charging/smart-charging.service';
import { StationsController } from './stations/stations.controller';
import { StationStates } from './stations/station-states';
import { StationsService } from './stations/stations.service';
import { TransactionsController } from './transactions/transactions.controller';
import { TransactionsService } from './transactions/transactions.service';

/** The app's database: also what `main.js migrate` migrates. */
export function databaseOptions(config: OcppCsmsConfig): DatabaseOptions {
  return {
    url: config.databaseUrl,
    createDatabase: config.createDatabases,
    migrate: config.migrateOnStart,
    appName: 'ocpp-csms',
    entities: CSMS_ENTITIES,
    migrations: CSMS_MIGRATIONS,
  };
}

@Module({})
export class AppModule {
  static forRoot(config: OcppCsmsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'ocpp-csms', config }),
        ServiceInfoModule.forApp({
          service: 'ocpp-csms',
          version: '0.1.0',
          description:
            'OCPP 1.6-J central system with the Smart Charging REST API (document 004) and site load management.',
        }),
        AuthModule.forApp({ appName: 'ocpp-csms', config }),
        PersistenceModule.forRoot(databaseOptions(config)),
      ],
      controllers: [StationsController, SmartChargingController, TransactionsController, SiteController],
      providers: [
        { provide: CSMS_CONFIG, useValue: config },
        OcppLogService,
        StationRouter,
        CsmsEvents,
        SiteLeaderService,
        StationControlBook,
        SiteSessionBook,
        SiteProfileSender,
        SiteRelay,
        SiteLimitStore,
        SiteLoadService,
        StationBusService,
        StationsService,
        StationStates,
        TransactionsService,
        CentralSystemService,
        SmartChargingService,
      ],
    };
  }
}
