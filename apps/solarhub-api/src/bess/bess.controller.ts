import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AnalysisService } from '../analytics/analysis.service';
import { ScheduleService } from '../analytics/schedule.service';
import { OpenByDefault, Public, RequireRole } from '@lib/auth';
import { AssetsService } from './assets.service';
import {
  AuxQuery,
  DailyIncomeQuery,
  ExecRateQuery,
  FreqPowerQuery,
  InverterQuery,
  MonthlyIncomeQuery,
  PcsAlertQuery,
  PowerIoQuery,
  PowerLossQuery,
  RackParam,
  ScheduleQuery,
  UnitNumberPipe,
} from './dto';
import { CreateScheduleEventDto } from './schedule.dto';
import { SERVICE_NAME, SERVICE_VERSION, SystemService } from './system.service';
import { DeviceStatusService, DeviceStatusView } from '../telemetry/device-status.service';

@ApiTags('health')
@Public()
@Controller()
export class RootController {
  constructor(private readonly system: SystemService) {}

  @Get()
  @ApiOperation({ summary: 'Service info and docs link' })
  root() {
    return { service: SERVICE_NAME, version: SERVICE_VERSION, docs: '/docs' };
  }

  @Get('health')
  @ApiOperation({ summary: 'Basic health: healthy whenever the API runs' })
  health() {
    return { status: 'healthy', service: SERVICE_NAME, version: SERVICE_VERSION };
  }

  @Get('health/detailed')
  @ApiOperation({ summary: 'Every database domain, both Redis instances and the broker' })
  detailed() {
    return this.system.detailedHealth();
  }
}

@ApiTags('system')
@OpenByDefault()
@Controller('api/v1/system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Get('overview')
  @ApiOperation({ summary: 'Generation, storage, grid and alert totals from the latest telemetry' })
  overview() {
    return this.system.overview();
  }

  @Get('topology')
  @ApiOperation({ summary: 'The server, its databases, Redis instances and broker, with their state' })
  topology() {
    return this.system.topology();
  }
}

@ApiTags('bess')
@OpenByDefault()
@Controller('api/v1/bess')
export class BessController {
  constructor(private readonly assets: AssetsService) {}

  @Get('alert/rack/:rack_number')
  @ApiOperation({ summary: "A rack's alarms in every BESS unit (battery_N_* is BESS N) and its BAMS link" })
  rackAlerts(@Param() params: RackParam) {
    return this.assets.rackAlerts(params.rack_number);
  }

  @Get(':bess_number')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiParam({ name: 'bess_number', schema: { type: 'integer', minimum: 1, maximum: 12 } })
  @ApiOperation({ summary: 'A BESS unit: mode, voltage, current, SOC and temperature per rack' })
  bess(@Param('bess_number', new UnitNumberPipe('bess_number')) unit: number): Promise<string> {
    return this.assets.bessAsJson(unit);
  }
}

@ApiTags('devices')
@OpenByDefault()
@Controller('api/v1/devices')
export class DeviceStatusController {
  constructor(private readonly statuses: DeviceStatusService) {}

  @Get('status')
  @ApiOperation({
    summary:
      "Every field device's status from the bus: online or offline (its own status, or its service's last will), enabled, fault",
  })
  list() {
    return { ...this.statuses.list(), status: 'success' };
  }

  @Get(':device_id/status')
  @ApiOperation({ summary: "One device's status; 404 when it never reported one" })
  @ApiResponse({ status: 404, description: 'No status from that device' })
  one(@Param('device_id') deviceId: string): DeviceStatusView {
    const view = this.statuses.get(deviceId);
    if (!view) throw new NotFoundException(`No status from device ${deviceId.slice(0, 64)}`);
    return view;
  }
}

@ApiTags('pcs')
@OpenByDefault()
@Controller('api/v1/pcs')
export class PcsController {
  constructor(private readonly assets: AssetsService) {}

  @Get('alert')
  @ApiOperation({ summary: "A PCS unit's seven 16-bit status words" })
  alert(@Query() q: PcsAlertQuery) {
    return this.assets.pcsAlert(q.pcs_number);
  }

  @Get(':pcs_number')
  @ApiOperation({ summary: 'A PCS unit: mode, power and DC voltage' })
  @ApiParam({ name: 'pcs_number', schema: { type: 'integer', minimum: 1, maximum: 12 } })
  pcs(@Param('pcs_number', new UnitNumberPipe('pcs_number')) unit: number) {
    return this.assets.pcs(unit);
  }
}

@ApiTags('meters')
@OpenByDefault()
@Controller('api/v1/meters')
export class MetersController {
  constructor(
    private readonly assets: AssetsService,
    private readonly analysis: AnalysisService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every meter: phase currents and voltages, powers, frequency, power factor' })
  meters() {
    return this.assets.meters();
  }

  @Get('aux')
  @ApiOperation({ summary: "The auxiliary meter's day: a 15-minute chart or a summary" })
  aux(@Query() q: AuxQuery) {
    return this.analysis.aux(q);
  }
}

@ApiTags('inverter')
@OpenByDefault()
@Controller('api/v1/inverter')
export class InverterController {
  constructor(private readonly assets: AssetsService) {}

  @Get()
  @ApiOperation({ summary: 'Inverter totals, MPPT trackers, string currents and phases' })
  inverter(@Query() q: InverterQuery) {
    return this.assets.inverter(q.inverter_number);
  }
}

@ApiTags('schedule')
@OpenByDefault()
@Controller('api/v1/schedule')
export class ScheduleController {
  constructor(private readonly schedule: ScheduleService) {}

  @Get()
  @ApiOperation({ summary: 'Schedule events of the current week and the weeks before it' })
  events(@Query() q: ScheduleQuery) {
    return this.schedule.events(q);
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Add an award to the schedule (admin)' })
  create(@Body() body: CreateScheduleEventDto) {
    return this.schedule.create(body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Remove a schedule event (admin)' })
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.schedule.remove(id);
  }

  @Get('income/daily')
  @ApiOperation({ summary: 'Hourly capacity and efficiency fees of a day, from awards and delivered energy' })
  daily(@Query() q: DailyIncomeQuery) {
    return this.schedule.dailyIncome(q);
  }

  @Get('income/monthly')
  @ApiOperation({ summary: 'Daily income totals of a month' })
  monthly(@Query() q: MonthlyIncomeQuery) {
    return this.schedule.monthlyIncome(q);
  }

  @Get('exec-rate')
  @ApiOperation({ summary: 'Execution rate of a day: per 5 minutes, rolling one hour, or per hour' })
  execRate(@Query() q: ExecRateQuery) {
    return this.schedule.execRate(q);
  }
}

@ApiTags('analysis')
@OpenByDefault()
@Controller('api/v1/analysis')
export class AnalysisController {
  constructor(private readonly analysis: AnalysisService) {}

  @Get('power-loss')
  @ApiOperation({ summary: 'Daily charge, discharge, loss (charge − discharge), efficiency and aux use' })
  powerLoss(@Query() q: PowerLossQuery) {
    return this.analysis.powerLoss(q);
  }

  @Get('power-io')
  @ApiOperation({ summary: 'Charge and discharge energy per hour of a day, or per day of a month' })
  powerIo(@Query() q: PowerIoQuery) {
    return this.analysis.powerIo(q);
  }

  @Get('freq-power')
  @ApiOperation({ summary: 'Grid frequency, battery power and the frequency baseline over 24 hours' })
  freqPower(@Query() q: FreqPowerQuery) {
    return this.analysis.freqPower(q);
  }
}

@ApiTags('config')
@OpenByDefault()
@Controller('api/v1/config')
export class ConfigController {
  constructor(private readonly system: SystemService) {}

  @Get('sidebar')
  @ApiOperation({ summary: 'Unit counts and links for the dashboard sidebar' })
  sidebar() {
    return this.system.sidebar();
  }

  @Get('header')
  @ApiOperation({ summary: 'Active protection, warning and fault alerts' })
  header() {
    return this.system.header();
  }
}
