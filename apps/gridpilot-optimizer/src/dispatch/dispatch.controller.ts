import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { isoSeconds } from '@lib/contracts';
import { BodyLimit, COMMAND_BODY_LIMIT_BYTES } from '@lib/observability';
import { CycleService } from '../cycle/cycle.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { r2, r3 } from '../round';
import { DispatchDto, DispatchHistoryDto, DispatchHistoryQueryDto, DispatchResponseDto } from './dispatch.dto';
import { DispatchService } from './dispatch.service';

@ApiTags('forecast and optimization')
@RequireRole('viewer')
@Controller('api/v1/dispatch')
export class DispatchController {
  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly cycle: CycleService,
    private readonly dispatcher: DispatchService,
  ) {}

  @Post('execute')
  @RequireRole('operator')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the last allocation to the plant, ocpp-csms and the devices; recorded' })
  @ApiOkResponse({ type: DispatchResponseDto })
  async dispatch(@Body() body: DispatchDto): Promise<DispatchResponseDto> {
    const record = await this.cycle.dispatchLast(body.simulate ?? false);
    const ratio = this.config.site.coolingRatio;
    const o = record.order;
    return {
      dispatch_result: {
        status: record.status,
        dispatch_id: record.id,
        message: record.message,
        payload: {
          allocation: o.allocation,
          power_requirements: {
            total_power_kw: r2(o.consumptionKw),
            cooling_power_kw: r2(o.allocation.cooling ?? 0),
            battery_power_kw: r2(o.batteryKw),
            base_load_kw: r2(o.baseLoadKw),
          },
          constraints_satisfied: o.constraintsSatisfied,
          system_state: {
            soc: r3(o.soc),
            utilization: r3(o.consumptionKw / this.config.site.powerKw),
            efficiency: r3(this.config.battery.efficiency ** 2),
          },
        },
        cooling_requirements: { cooling_kw: r2(o.allocation.cooling ?? 0), cop: ratio > 0 ? r2(1 / ratio) : null },
        targets: record.targets,
        export_kw: record.exportKw === null ? null : r2(record.exportKw),
      },
      performance_metrics: {
        processing_time_ms: r2(record.processingMs),
        constraints_satisfied: o.constraintsSatisfied,
        total_power_kw: r2(o.consumptionKw),
      },
      timestamp: isoSeconds(record.at),
    };
  }

  @Get('history')
  @ApiOperation({ summary: 'Recorded dispatches, newest first' })
  @ApiOkResponse({ type: DispatchHistoryDto })
  async history(@Query() query: DispatchHistoryQueryDto): Promise<DispatchHistoryDto> {
    const rows = await this.dispatcher.recent(query.limit ?? 20);
    return {
      dispatches: rows.map((r) => ({
        id: r.id,
        timestamp: isoSeconds(new Date(r.createdAt)),
        origin: r.origin,
        status: r.status,
        constraints_satisfied: r.constraintsSatisfied,
        total_power_kw: r.totalPowerKw,
        allocation: r.allocation,
        result: r.result,
      })),
    };
  }
}
