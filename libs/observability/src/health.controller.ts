import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

const BY_DEPENDENCY: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
  description: 'per dependency: up or down, with what it reports',
};

/** @nestjs/terminus's HealthCheckResult, documented. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional(BY_DEPENDENCY) info?: object;
  @ApiPropertyOptional(BY_DEPENDENCY) error?: object;
  @ApiProperty(BY_DEPENDENCY) details!: object;
}

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
  @ApiOkResponse({ type: LivenessDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 503 while a dependency the app needs (broker, database, cache) is down' })
  @ApiOkResponse({ type: ReadinessDto })
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
