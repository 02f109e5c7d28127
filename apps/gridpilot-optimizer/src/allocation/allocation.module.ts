import { Module } from '@nestjs/common';
import { OptimizationModule } from '../optimization/optimization.module';
import { AllocationController } from './allocation.controller';

/** `POST /api/v1/optimization/allocate`: the MPC and the auction on request. */
@Module({
  imports: [OptimizationModule],
  controllers: [AllocationController],
})
export class AllocationModule {}
