import { Module } from '@nestjs/common';
import { OptimizationModule } from '../optimization/optimization.module';
import { PlanController } from './plan.controller';

/** `GET /api/v1/optimization/plan`: the current plan over its whole horizon. */
@Module({
  imports: [OptimizationModule],
  controllers: [PlanController],
})
export class PlanModule {}
