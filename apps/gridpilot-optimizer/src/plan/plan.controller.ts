import { Controller, Get, Inject, NotFoundException } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { isoSeconds } from '@lib/contracts';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { OptimizerService } from '../optimization/optimizer.service';
import { r2, r4, rounded } from '../round';
import { PlanDto } from './plan.dto';

@ApiTags('optimization')
@RequireRole('viewer')
@Controller('api/v1/optimization')
export class PlanController {
  constructor(
    private readonly optimizer: OptimizerService,
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
  ) {}

  @Get('plan')
  @ApiOperation({ summary: 'The current plan over the whole horizon: battery SOC and power, grid exchange, loads' })
  @ApiOkResponse({ type: PlanDto })
  @ApiNotFoundResponse({ description: 'No plan yet (the first cycle runs at start-up once prices are in)' })
  plan(): PlanDto {
    const a = this.optimizer.last;
    if (!a)
      throw new NotFoundException('No plan yet: the first cycle runs once prices are in (or POST run-full-cycle)');
    const stepMs = a.stepMinutes * 60_000;
    return {
      computed_at: isoSeconds(a.at),
      status: a.mpc.status,
      constraints_satisfied: a.constraintsSatisfied,
      step_minutes: a.stepMinutes,
      horizon_hours: (a.mpc.steps.length * a.stepMinutes) / 60,
      objective: r2(a.mpc.objective),
      soc_start: r4(a.soc),
      allocation: rounded(a.allocation),
      payments: rounded(a.payments),
      notes: a.notes,
      export_band_kw: { min_kw: this.config.site.exportMinKw, max_kw: this.config.site.exportMaxKw },
      steps: a.mpc.steps.map((s, i) => ({
        start: isoSeconds(new Date(a.at.getTime() + i * stepMs)),
        price_per_mwh: r2(a.stepPrices[i] ?? 0),
        soc: r4(s.soc),
        battery_kw: r2(s.chargeKw - s.dischargeKw),
        consumption_kw: r2(s.consumptionKw),
        import_kw: r2(s.importKw),
        export_kw: r2(s.exportKw),
        cooling_kw: r2(s.coolingKw),
        loads_kw: rounded(s.loadsKw),
      })),
    };
  }
}
