import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import { isoSeconds } from '@lib/contracts';
import { r2, r3 } from '../round';
import { FullCycleDto, FullCycleResponseDto } from './cycle.dto';
import { CycleService } from './cycle.service';

@ApiTags('system')
@RequireRole('viewer')
@Controller('api/v1/system')
export class CycleController {
  constructor(private readonly cycle: CycleService) {}

  @Post('run-full-cycle')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'data → forecast → optimize → dispatch; `simulate: true` sends nothing' })
  @ApiOkResponse({ type: FullCycleResponseDto })
  async runFullCycle(@Body() body: FullCycleDto): Promise<FullCycleResponseDto> {
    const { allocation, record, buildMs, totalMs } = await this.cycle.full(body);
    const success = record.status === 'success' || record.status === 'simulated';
    return {
      cycle_result: {
        success,
        elapsed_time: r3(totalMs / 1000),
        soc: r3(allocation.soc),
        total_power: r2(allocation.totalKw),
        allocation: allocation.allocation,
        revenue: allocation.payments,
        power_requirements: {
          total_power_kw: r2(allocation.consumptionKw),
          cooling_power_kw: r2(allocation.allocation.cooling ?? 0),
          battery_power_kw: r2(allocation.batteryKw),
        },
        constraints_satisfied: allocation.constraintsSatisfied,
        dispatch: { id: record.id, status: record.status, message: record.message, export_kw: record.exportKw },
        notes: allocation.notes,
        performance_metrics: {
          build_time_ms: r2(buildMs),
          solve_time_ms: r2(allocation.mpc.solveMs),
          total_time_ms: r2(totalMs),
        },
      },
      performance_metrics: { total_time_ms: r2(totalMs), success },
      timestamp: isoSeconds(),
    };
  }
}
