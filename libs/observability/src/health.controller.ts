import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** One dependency's state: `status` up or down, with what the check says about it. */
const DEPENDENCIES: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    required: ['status'],
    additionalProperties: true,
  },
};

/** Terminus's health check result: every dependency under `details`, the down ones also under `error`. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: HealthCheckResult['status'];
  @ApiPropertyOptional({ ...DEPENDENCIES, description: 'the dependencies that are up' })
  info?: HealthCheckResult['info'];
  @ApiPropertyOptional({ ...DEPENDENCIES, description: 'the dependencies that are down' })
  error?: HealthCheckResult['error'];
  @ApiProperty({ ...DEPENDENCIES, example: { database: { status: 'up' }, bus: { status: 'up' } } })
  details!: HealthCheckResult['details'];
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
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 503 while a dependency the app needs (broker, database, cache) is down' })
  @ApiOkResponse({ type: ReadinessDto, description: 'every dependency is up' })
  @ApiResponse({ status: 503, type: ReadinessDto, description: 'a dependency is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
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
