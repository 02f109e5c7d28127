import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves HTTP (checks nothing external)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 503 while a dependency the app needs (broker, database, cache) is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const states = await this.readiness.states();
    const checks = Object.entries(states).map(([name, state]) => () => {
      const indicator = this.indicators.check(name);
      return state.up ? indicator.up(state.info) : indicator.down(state.info);
    });
    try {
      return await this.health.check(checks);
    } catch (error) {
      const response = (error as { getResponse?: () => HealthCheckResult }).getResponse?.();
      if (!response) throw error;
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return response;
    }
  }
}
