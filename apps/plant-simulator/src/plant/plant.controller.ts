import { Body, Controller, Get, Header, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OpenByDefault, Public, RequireRole } from '@lib/auth';
import { fieldRequired } from '@lib/observability';
import {
  LatestReadingResponseDto,
  OptionalPlantQueryDto,
  PlantHealthDto,
  SetConsumptionDto,
  SetConsumptionResponseDto,
  SetIrradianceDto,
  SetIrradianceResponseDto,
} from '@lib/contracts';
import { PlantSimulationService } from './plant-simulation.service';

@ApiTags('plant')
@Controller()
export class PlantController {
  constructor(private readonly simulation: PlantSimulationService) {}

  @Get('data/latest')
  @RequireRole('viewer', { staticToken: true })
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({
    summary: 'Current plant reading (MW), in the production API format',
    description: "Bearer: the plant's document token (PLANT_TOKEN) or a site access token (viewer or higher)",
  })
  @ApiOkResponse({ type: LatestReadingResponseDto })
  @ApiResponse({ status: 404, description: 'Unknown plant_id' })
  @ApiQuery({ name: 'plant_id', required: true, example: 'complexo-paranhos' })
  @ApiUnprocessableEntityResponse({ description: 'plant_id missing' })
  latest(@Query('plant_id') plantId: string | undefined): string {
    // The hot path: one string parameter, checked here rather than by the DTO pipe.
    if (!plantId) throw fieldRequired('query', 'plant_id');
    return this.simulation.plant(plantId).latestJson;
  }

  @Post('data/consumption')
  @OpenByDefault('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the expected consumption (MW) the automation will draw' })
  @ApiOkResponse({ type: SetConsumptionResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'Field missing, not a number, negative or absurd' })
  setConsumption(@Body() body: SetConsumptionDto, @Query() query: OptionalPlantQueryDto): SetConsumptionResponseDto {
    const plant = this.simulation.setConsumption(body.expected_consumption_mw, query.plant_id);
    return { status: 'ok', consumption_mw: plant.reading.totals.consumption_mw };
  }

  @Put('simulation/irradiance')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Force the sunlight: generation becomes factor × clear sky (0.5 = a cloud), at once',
    description: 'Admin only: it moves the plant. The random walk goes on underneath; 1 clears the sky.',
  })
  @ApiOkResponse({ type: SetIrradianceResponseDto })
  @ApiResponse({ status: 404, description: 'Unknown plant_id' })
  @ApiUnprocessableEntityResponse({ description: 'factor missing, not a number, or outside 0–1' })
  setIrradiance(@Body() body: SetIrradianceDto, @Query() query: OptionalPlantQueryDto): SetIrradianceResponseDto {
    const plant = this.simulation.setIrradiance(body.factor, query.plant_id);
    return {
      status: 'ok',
      plant_id: plant.id,
      irradiance_factor: plant.irradianceFactor,
      generation_mw: plant.reading.totals.generation_mw,
    };
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Server state: generation range, current generation and consumption' })
  @ApiOkResponse({ type: PlantHealthDto })
  health(@Query() query: OptionalPlantQueryDto): PlantHealthDto {
    return this.simulation.plant(query.plant_id).health();
  }
}
