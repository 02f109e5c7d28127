import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

/** Each dependency by name, with its `status` (`up` or `down`) and what an operator needs to see. */
const dependencies = {
  type: 'object',
  additionalProperties: { type: 'object' },
  example: { database: { status: 'up' } },
} as const;

/** @nestjs/terminus's HealthCheckResult: each dependency by name, with its state. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ ...dependencies, description: 'the dependencies that are up' })
  info?: Record<string, unknown>;
  @ApiPropertyOptional({ ...dependencies, description: 'the dependencies that are down' })
  error?: Record<string, unknown>;
  @ApiProperty({ ...dependencies, description: 'every dependency' }) details!: Record<string, unknown>;
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
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'a dependency is down' })
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
