import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { AnalysisService } from '../analysis/analysis.service';
import { AuxChartDto, AuxQuery, AuxSummaryDto, MetersDto } from './meters.dto';
import { MetersService } from './meters.service';

@ApiTags('meters')
@OpenByDefault()
@Controller('api/v1/meters')
export class MetersController {
  constructor(
    private readonly meterViews: MetersService,
    private readonly analysis: AnalysisService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every meter: phase currents and voltages, powers, frequency, power factor' })
  @ApiOkResponse({ type: MetersDto })
  meters(): Promise<MetersDto> {
    return this.meterViews.meters();
  }

  @Get('aux')
  @ApiOperation({ summary: "The auxiliary meter's day: a 15-minute chart or a summary" })
  @ApiExtraModels(AuxChartDto, AuxSummaryDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(AuxChartDto) }, { $ref: getSchemaPath(AuxSummaryDto) }] } })
  aux(@Query() q: AuxQuery): Promise<AuxChartDto | AuxSummaryDto> {
    return this.analysis.aux(q);
  }
}
