import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenByDefault, RequireRole } from '@lib/auth';
import {
  CreateScheduleEventDto,
  DailyIncomeDto,
  DailyIncomeQuery,
  ExecRateDto,
  ExecRateQuery,
  MonthlyIncomeDto,
  MonthlyIncomeQuery,
  ScheduleEventDto,
  ScheduleEventsDto,
  ScheduleQuery,
} from './schedule.dto';
import { ScheduleService } from './schedule.service';

@ApiTags('schedule')
@OpenByDefault()
@Controller('api/v1/schedule')
export class ScheduleController {
  constructor(private readonly schedule: ScheduleService) {}

  @Get()
  @ApiOperation({ summary: 'Schedule events of the current week and the weeks before it' })
  @ApiOkResponse({ type: ScheduleEventsDto })
  events(@Query() q: ScheduleQuery): Promise<ScheduleEventsDto> {
    return this.schedule.events(q);
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Add an award to the schedule (admin)' })
  @ApiCreatedResponse({ type: ScheduleEventDto })
  create(@Body() body: CreateScheduleEventDto): Promise<ScheduleEventDto> {
    return this.schedule.create(body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Remove a schedule event (admin)' })
  @ApiNoContentResponse({ description: 'Removed' })
  remove(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.schedule.remove(id);
  }

  @Get('income/daily')
  @ApiOperation({ summary: 'Hourly capacity and efficiency fees of a day, from awards and delivered energy' })
  @ApiOkResponse({ type: DailyIncomeDto })
  daily(@Query() q: DailyIncomeQuery): Promise<DailyIncomeDto> {
    return this.schedule.dailyIncome(q);
  }

  @Get('income/monthly')
  @ApiOperation({ summary: 'Daily income totals of a month' })
  @ApiOkResponse({ type: MonthlyIncomeDto })
  monthly(@Query() q: MonthlyIncomeQuery): Promise<MonthlyIncomeDto> {
    return this.schedule.monthlyIncome(q);
  }

  @Get('exec-rate')
  @ApiOperation({ summary: 'Execution rate of a day: per 5 minutes, rolling one hour, or per hour' })
  @ApiOkResponse({ type: ExecRateDto })
  execRate(@Query() q: ExecRateQuery): Promise<ExecRateDto> {
    return this.schedule.execRate(q);
  }
}
