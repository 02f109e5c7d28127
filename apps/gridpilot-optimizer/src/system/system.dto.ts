import { ApiProperty } from '@nestjs/swagger';

export class ServiceInfoDto {
  @ApiProperty({ example: 'gridpilot-optimizer' }) service!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ example: 'operational' }) status!: string;
  @ApiProperty({ example: '/docs' }) docs!: string;
  @ApiProperty({ example: '/ws/live-data' }) websocket!: string;
  @ApiProperty({ example: '2026-12-04T10:05:00Z' }) timestamp!: string;
}

export class HealthDto {
  @ApiProperty({ example: 'healthy' }) status!: string;
  @ApiProperty({ example: '2026-12-04T10:05:00Z' }) timestamp!: string;
  @ApiProperty({ description: 'seconds since the app started' }) uptime_seconds!: number;
}
