import { Module } from '@nestjs/common';
import { AnalysisModule } from '../analysis/analysis.module';
import { ScheduleController } from './schedule.controller';
import { ScheduleService } from './schedule.service';

/** `/api/v1/schedule`: the awards, their daily and monthly income and the execution rate. */
@Module({
  imports: [AnalysisModule],
  controllers: [ScheduleController],
  providers: [ScheduleService],
})
export class ScheduleModule {}
