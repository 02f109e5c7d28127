import { Body, Controller, Get, HttpCode, Post, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { isoSeconds } from '@lib/contracts';
import { DispatchService } from '../dispatch/dispatch.service';
import { AllocateDto, DispatchDto, DispatchHistoryQueryDto, ForecastDto, FullCycleDto, PricesQueryDto } from './dto';
import { GridpilotService } from './gridpilot.service';
import { Public, RequireRole } from '@lib/auth';
import { BodyLimit, COMMAND_BODY_LIMIT_BYTES } from '@lib/observability';

type Json = Record<string, unknown>;

@ApiTags('system')
@RequireRole('viewer')
@Controller()
export class SystemController {
  constructor(private readonly gridpilot: GridpilotService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Service info' })
  root(): Json {
    return this.gridpilot.root();
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Simple health check (see /health/ready for dependencies)' })
  health(): Json {
    return { status: 'healthy', timestamp: isoSeconds(), uptime_seconds: this.gridpilot.uptimeS };
  }

  @Get('api/v1/system/status')
  @ApiOperation({ summary: 'Connectivity, last optimization, control loop and dispatch counters' })
  status(): Promise<Json> {
    return this.gridpilot.status();
  }

  @Post('api/v1/system/run-full-cycle')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'data → forecast → optimize → dispatch; `simulate: true` sends nothing' })
  runFullCycle(@Body() body: FullCycleDto): Promise<Json> {
    return this.gridpilot.runCycle(body);
  }
}

@ApiTags('data')
@RequireRole('viewer')
@Controller('api/v1/data')
export class DataController {
  constructor(private readonly gridpilot: GridpilotService) {}

  @Get('prices')
  @ApiOperation({ summary: 'Market prices ($/MWh) of the last hours_back hours, oldest first' })
  prices(@Query() query: PricesQueryDto): Promise<Json> {
    return this.gridpilot.priceData(query.hours_back ?? 24);
  }

  @Get('inventory')
  @ApiOperation({ summary: 'Site power, battery, compute, generation, EV and device loads' })
  inventory(): Promise<Json> {
    return this.gridpilot.inventoryView();
  }
}

@ApiTags('forecast and optimization')
@RequireRole('viewer')
@Controller('api/v1')
export class OptimizationController {
  constructor(
    private readonly gridpilot: GridpilotService,
    private readonly dispatcher: DispatchService,
  ) {}

  @Post('ml/forecast')
  @RequireRole('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hourly energy-price forecast: ensemble with 90 % bounds and its backtest' })
  forecast(@Body() body: ForecastDto): Json {
    const view = this.gridpilot.forecastView(body.periods ?? 24, body.use_advanced ?? false);
    if (!view) throw new ServiceUnavailableException('No price history yet; the first refresh has not completed');
    return view;
  }

  @Post('optimization/allocate')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'MPC over the horizon (HiGHS), then a VCG auction of the first step’s power budget' })
  async allocate(@Body() body: AllocateDto): Promise<Json> {
    return this.gridpilot.allocationView(await this.gridpilot.allocate(body));
  }

  @Post('dispatch/execute')
  @RequireRole('operator')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the last allocation to the plant, ocpp-csms and the devices; recorded' })
  async dispatch(@Body() body: DispatchDto): Promise<Json> {
    return this.gridpilot.dispatchView(await this.gridpilot.dispatch('api', body.simulate ?? false));
  }

  @Get('dispatch/history')
  @ApiOperation({ summary: 'Recorded dispatches, newest first' })
  async history(@Query() query: DispatchHistoryQueryDto): Promise<Json> {
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
