import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { OptimizerService } from '../optimization/optimizer.service';
import { r2, r3 } from '../round';
import { AllocateDto, AllocationResponseDto, allocateOptions } from './allocation.dto';

@ApiTags('forecast and optimization')
@RequireRole('viewer')
@Controller('api/v1/optimization')
export class AllocationController {
  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly optimizer: OptimizerService,
  ) {}

  @Post('allocate')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'MPC over the horizon (HiGHS), then a VCG auction of the first step’s power budget' })
  @ApiOkResponse({ type: AllocationResponseDto })
  async allocate(@Body() body: AllocateDto): Promise<AllocationResponseDto> {
    const a = await this.optimizer.allocate(allocateOptions(body, this.config));
    const maxKw = this.config.loads.reduce(
      (s, l) => s + l.maxKw * (l.cooled ? 1 + this.config.site.coolingRatio : 1),
      0,
    );
    const first = a.mpc.steps[0];
    return {
      allocation: a.allocation,
      payments: a.payments,
      optimization_metrics: {
        processing_time_ms: r2(a.processingMs),
        social_welfare: a.welfare,
        allocation_efficiency: r3(maxKw > 0 ? a.totalKw / maxKw : 0),
        total_allocation_kw: r2(a.totalKw),
        utilization: r3(a.consumptionKw / this.config.site.powerKw),
      },
      mpc: {
        status: a.mpc.status,
        steps: a.mpc.steps.length,
        step_minutes: this.config.horizon.stepMin,
        objective: r2(a.mpc.objective),
        columns: a.mpc.columns,
        rows: a.mpc.rows,
        build_time_ms: r2(a.mpc.buildMs),
        solve_time_ms: r2(a.mpc.solveMs),
        battery_power_kw: r2(a.batteryKw),
        soc: r3(a.soc),
        soc_next: r3(a.socNext),
        soc_end: r3(a.mpc.steps.at(-1)?.soc ?? a.soc),
        import_kw: r2(first?.importKw ?? 0),
        export_kw: r2(first?.exportKw ?? 0),
        band_violation_kw: r2(first?.bandViolationKw ?? 0),
      },
      notes: a.notes,
      constraints_satisfied: a.constraintsSatisfied,
    };
  }
}
