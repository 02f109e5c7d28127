import { Module } from '@nestjs/common';
import { SystemController } from './system.controller';
import { Uptime } from './uptime';

/** `GET /`, `GET /health`; the uptime the status and the live message show. */
@Module({
  controllers: [SystemController],
  providers: [Uptime],
  exports: [Uptime],
})
export class SystemModule {}
