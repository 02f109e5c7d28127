import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';

const HEALTH: ApiPropertyOptions = { enum: ['healthy', 'unhealthy', 'not_configured'] };
const UP_BY_NAME: ApiPropertyOptions = { type: 'object', additionalProperties: { type: 'boolean' } };

export class RootDto {
  @ApiProperty({ example: 'SolarHub API' }) service!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ example: '/docs' }) docs!: string;
}

export class BasicHealthDto {
  @ApiProperty({ example: 'healthy' }) status!: string;
  @ApiProperty({ example: 'SolarHub API' }) service!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
}

export class DatabasesHealthDto {
  @ApiProperty(HEALTH) status!: string;
  @ApiProperty({ ...UP_BY_NAME, description: 'each database domain: up or not' }) connections!: Record<string, boolean>;
}

export class RedisHealthDto {
  @ApiProperty(HEALTH) status!: string;
  @ApiProperty({ ...UP_BY_NAME, description: 'main and gtr, when configured' })
  connections!: Record<string, boolean | null>;
}

export class BrokerHealthDto {
  @ApiProperty(HEALTH) status!: string;
  @ApiPropertyOptional({ description: 'history rows received and not yet written' }) history_backlog?: number;
}

export class InfrastructureDto {
  @ApiProperty({ type: DatabasesHealthDto }) databases!: DatabasesHealthDto;
  @ApiProperty({ type: RedisHealthDto }) redis!: RedisHealthDto;
  @ApiProperty({ type: BrokerHealthDto }) broker!: BrokerHealthDto;
}

export class DetailedHealthDto extends BasicHealthDto {
  @ApiProperty({ enum: ['healthy', 'degraded'] }) declare status: string;
  @ApiProperty({ type: InfrastructureDto }) infrastructure!: InfrastructureDto;
  @ApiProperty({ example: 'All systems operational' }) message!: string;
}
