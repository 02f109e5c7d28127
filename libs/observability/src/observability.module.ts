import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import pretty from 'pino-pretty';
import { QuietLogger } from './quiet-logger';
import type { CommonConfig } from '@lib/config';
import { DetailExceptionFilter } from './exception.filter';
import { HealthController } from './health.controller';
import { MetricsController, MetricsService } from './metrics';
import { ReadinessRegistry } from './readiness';
import { DetailValidationPipe } from './validation.pipe';

export interface ObservabilityOptions {
  appName: string;
  config: Pick<CommonConfig, 'log' | 'nodeEnv'>;
}

/**
 * Health, metrics, JSON logs, the global error filter and the validation pipe, registered as app
 * providers so that e2e tests run with exactly the production behaviour.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forApp({ appName, config }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({
          // Without request logging, pino-http is not installed at all: it costs per request.
          ...(config.log.httpRequests ? {} : { forRoutes: [] }),
          pinoHttp: [
            {
              name: appName,
              level: config.log.level,
              autoLogging: config.log.httpRequests,
              quietReqLogger: true,
              redact: ['req.headers.authorization', 'req.headers.cookie'],
            },
            // A person at a terminal reads coloured lines; machines get JSON (LOG_FORMAT).
            config.log.format === 'pretty'
              ? pretty({
                  colorize: true,
                  translateTime: 'SYS:HH:MM:ss',
                  ignore: 'pid,hostname,context',
                  messageFormat: '{if context}{context}: {end}{msg}',
                  sync: true,
                })
              : process.stdout,
          ],
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ReadinessRegistry,
        QuietLogger,
        { provide: MetricsService, useValue: new MetricsService(appName) },
        { provide: APP_FILTER, useClass: DetailExceptionFilter },
        { provide: APP_PIPE, useClass: DetailValidationPipe },
      ],
      exports: [ReadinessRegistry, MetricsService, QuietLogger],
    };
  }
}
