import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { IotMockConfig } from './iot-mock.config';
import { ObservabilityModule, ServiceInfoModule } from '@lib/observability';
import { DatabaseOptions, PersistenceModule } from '@lib/persistence';
import { CommandsService } from './commands/commands.service';
import { DeviceEntity } from './devices/device.entity';
import { DevicesController } from './devices/devices.controller';
import { DevicesService } from './devices/devices.service';
import { IOT_MOCK_MIGRATIONS } from './devices/migrations';
import { EvChargersService } from './ev/ev-chargers.service';
import { IOT_MOCK_CONFIG } from './iot-mock.tokens';
import { IotMqttService } from './mqtt/iot-mqtt.service';
import { SimulationController } from './simulation/simulation.controller';
import { SimulationService } from './simulation/simulation.service';

/** The app's database: also what `main.js migrate` migrates. */
export function databaseOptions(config: IotMockConfig): DatabaseOptions {
  return {
    url: config.databaseUrl,
    createDatabase: config.createDatabases,
    migrate: config.migrateOnStart,
    appName: 'iot-mock',
    entities: [DeviceEntity],
    migrations: IOT_MOCK_MIGRATIONS,
  };
}

@Module({})
export class AppModule {
  static forRoot(config: IotMockConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'iot-mock', config }),
        ServiceInfoModule.forApp({
          service: 'iot-mock',
          version: '0.1.0',
          description:
            'Simulated energy devices over MQTT (document 002): devices, readings, commands with acknowledgements, simulation control.',
        }),
        AuthModule.forApp({ appName: 'iot-mock', config }),
        PersistenceModule.forRoot(databaseOptions(config)),
      ],
      controllers: [DevicesController, SimulationController],
      providers: [
        { provide: IOT_MOCK_CONFIG, useValue: config },
        IotMqttService,
        DevicesService,
        SimulationService,
        EvChargersService,
        CommandsService,
      ],
    };
  }
}
