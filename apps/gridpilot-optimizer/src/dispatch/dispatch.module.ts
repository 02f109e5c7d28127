import { Module } from '@nestjs/common';
import { CycleModule } from '../cycle/cycle.module';
import { DispatcherModule } from './dispatcher.module';
import { DispatchController } from './dispatch.controller';

/**
 * `POST /api/v1/dispatch/execute` (the last allocation, through the cycle's one dispatch path) and
 * `GET /api/v1/dispatch/history` (the dispatcher's records).
 */
@Module({
  imports: [CycleModule, DispatcherModule],
  controllers: [DispatchController],
})
export class DispatchModule {}
