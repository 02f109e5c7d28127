import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false };

export class PricesQueryDto {
  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 2160, description: 'Hours of history' })
  @IsOptional()
  @Max(2160)
  @Min(1)
  @IsInt()
  hours_back?: number;
}

export class ForecastDto {
  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 168, description: 'Hours to forecast' })
  @IsOptional()
  @Max(168)
  @Min(1)
  @IsInt()
  periods?: number;

  @ApiPropertyOptional({ default: false, description: 'Also run the weekly seasonal model and a longer backtest' })
  @IsOptional()
  @IsBoolean()
  use_advanced?: boolean;
}

export class AllocateDto {
  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 168, description: 'MPC horizon in hours' })
  @IsOptional()
  @Max(168)
  @Min(1)
  @IsInt()
  forecast_periods?: number;

  @ApiPropertyOptional({
    default: 0.5,
    minimum: 0,
    maximum: 10,
    description: 'Multiples of the price uncertainty added to imports and taken off exports',
  })
  @IsOptional()
  @Max(10)
  @Min(0)
  @IsNumber(finite)
  risk_aversion?: number;

  @ApiPropertyOptional({
    default: 0.0002,
    minimum: 0,
    maximum: 10,
    description: 'Battery wear cost, $ per kWh charged or discharged',
  })
  @IsOptional()
  @Max(10)
  @Min(0)
  @IsNumber(finite)
  lambda_deg?: number;
}

export class FullCycleDto extends AllocateDto {
  @ApiPropertyOptional({ default: false, description: 'Dry run: compute everything, send nothing' })
  @IsOptional()
  @IsBoolean()
  simulate?: boolean;
}

export class DispatchDto {
  @ApiPropertyOptional({ default: false, description: 'Dry run: build the commands, send nothing' })
  @IsOptional()
  @IsBoolean()
  simulate?: boolean;
}

export class DispatchHistoryQueryDto {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 500 })
  @IsOptional()
  @Max(500)
  @Min(1)
  @IsInt()
  limit?: number;
}
