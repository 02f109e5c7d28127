import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { FreqPowerDto, FreqPowerQuery, PowerIoDto, PowerIoQuery, PowerLossDto, PowerLossQuery } from './analysis.dto';
import { AnalysisService } from './analysis.service';

@ApiTags('analysis')
@OpenByDefault()
@Controller('api/v1/analysis')
export class AnalysisController {
  constructor(private readonly analysis: AnalysisService) {}

  @Get('power-loss')
  @ApiOperation({ summary: 'Daily charge, discharge, loss (charge − discharge), efficiency and aux use' })
  @ApiOkResponse({ type: PowerLossDto })
  powerLoss(@Query() q: PowerLossQuery): Promise<PowerLossDto> {
    return this.analysis.powerLoss(q);
  }

  @Get('power-io')
  @ApiOperation({ summary: 'Charge and discharge energy per hour of a day, or per day of a month' })
  @ApiOkResponse({ type: PowerIoDto })
  powerIo(@Query() q: PowerIoQuery): Promise<PowerIoDto> {
    return this.analysis.powerIo(q);
  }

  @Get('freq-power')
  @ApiOperation({ summary: 'Grid frequency, battery power and the frequency baseline over 24 hours' })
  @ApiOkResponse({ type: FreqPowerDto })
  freqPower(@Query() q: FreqPowerQuery): Promise<FreqPowerDto> {
    return this.analysis.freqPower(q);
  }
}
