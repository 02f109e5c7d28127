import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ChargingProfilesDto,
  ClearProfileQueryDto,
  CompositeScheduleQueryDto,
  SendChargingProfileDto,
  TestProfileDto,
} from '@lib/contracts';
import type { ChargingProfile } from '@lib/ocpp';
import { BodyLimit, COMMAND_BODY_LIMIT_BYTES } from '@lib/observability';
import { SmartChargingService } from './smart-charging.service';
import {
  ClearProfileResultDto,
  CompositeScheduleResultDto,
  SendProfileResultDto,
  TestProfileResultDto,
} from './smart-charging.views';
import { RequireRole } from '@lib/auth';

@ApiTags('smart charging')
@RequireRole('viewer')
@Controller('stations/:id')
@ApiResponse({ status: 404, description: 'Unknown station' })
@ApiResponse({ status: 400, description: 'The station does not support SmartCharging' })
@ApiResponse({ status: 503, description: 'The station is not connected' })
export class SmartChargingController {
  constructor(private readonly smartCharging: SmartChargingService) {}

  @Post('charging_profile')
  @RequireRole('operator')
  @BodyLimit(COMMAND_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'SetChargingProfile (checked against the OCPP 1.6 schema first)' })
  @ApiOkResponse({ type: SendProfileResultDto })
  send(@Param('id') id: string, @Body() dto: SendChargingProfileDto): Promise<SendProfileResultDto> {
    return this.smartCharging.send(id, dto.connector_id, dto.profile as unknown as ChargingProfile);
  }

  @Get('charging_profiles')
  @ApiOperation({
    summary:
      'The profiles the CSMS sent this station and counts as installed (replaced, cleared and ended-transaction profiles are gone)',
  })
  @ApiOkResponse({ type: ChargingProfilesDto })
  profiles(@Param('id') id: string): Promise<ChargingProfilesDto> {
    return this.smartCharging.listInstalled(id);
  }

  @Get('composite_schedule')
  @ApiOperation({ summary: 'GetCompositeSchedule from the station, or computed by the CSMS (source=csms)' })
  @ApiOkResponse({ type: CompositeScheduleResultDto })
  composite(@Param('id') id: string, @Query() query: CompositeScheduleQueryDto): Promise<CompositeScheduleResultDto> {
    return this.smartCharging.composite(id, query);
  }

  @Delete('charging_profile')
  @RequireRole('operator')
  @ApiOperation({ summary: 'ClearChargingProfile, filtered by profile_id, connector_id, purpose, stack_level' })
  @ApiOkResponse({ type: ClearProfileResultDto })
  clear(@Param('id') id: string, @Query() query: ClearProfileQueryDto): Promise<ClearProfileResultDto> {
    return this.smartCharging.clear(id, query);
  }

  @Post('test_profiles')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate and send a test profile: peak_shaving, time_of_use or energy_cap' })
  @ApiOkResponse({ type: TestProfileResultDto })
  test(@Param('id') id: string, @Body() dto: TestProfileDto): Promise<TestProfileResultDto> {
    return this.smartCharging.testProfile(id, dto);
  }
}
