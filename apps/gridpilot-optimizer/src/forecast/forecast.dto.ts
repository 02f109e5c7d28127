import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

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

export class ForecastPointDto {
  @ApiProperty({ example: '2026-12-04T11:00:00Z' }) timestamp!: string;
  @ApiProperty({ description: '$/MWh' }) predicted_price!: number;
  @ApiProperty({ description: 'lower end of the 90 % band' }) lower_bound!: number;
  @ApiProperty({ description: 'upper end of the 90 % band' }) upper_bound!: number;
  @ApiProperty({ description: 'half the width of the band' }) uncertainty_energy!: number;
  @ApiProperty({ example: 'ensemble' }) method!: string;
}

export class ForecastMetadataDto {
  @ApiProperty() periods!: number;
  @ApiProperty({ enum: ['standard', 'advanced'] }) model_type!: string;
  @ApiProperty({ type: [String] }) methods_used!: string[];
  @ApiProperty() features_used!: number;
  @ApiProperty() history_hours!: number;
  @ApiProperty() avg_predicted_price!: number;
  @ApiProperty({ description: 'coefficient of variation of the forecast' }) price_volatility!: number;
}

export class ForecastScoreDto {
  @ApiProperty({ description: '$/MWh' }) mae!: number;
  @ApiProperty({ description: '%' }) mape!: number;
}

export class BacktestMethodDto extends ForecastScoreDto {
  @ApiProperty() method!: string;
  @ApiProperty({ description: 'its weight in the ensemble (1/MSE)' }) weight!: number;
}

export class BacktestDto {
  @ApiProperty({ description: 'rolling origins scored' }) origins!: number;
  @ApiProperty() horizon_hours!: number;
  @ApiProperty({ type: [BacktestMethodDto] }) methods!: BacktestMethodDto[];
  @ApiProperty({ type: ForecastScoreDto }) ensemble!: ForecastScoreDto;
}

export class ForecastPerformanceDto {
  @ApiProperty() processing_time_ms!: number;
  @ApiProperty() model_time_ms!: number;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string', enum: ['N/A'] }],
    description: '1 − MAPE/100 of the ensemble, or N/A without a backtest',
  })
  forecast_accuracy!: number | 'N/A';
  @ApiProperty({ enum: ['high', 'medium', 'low'] }) model_confidence!: string;
}

export class ForecastResponseDto {
  @ApiProperty({ type: [ForecastPointDto] }) forecast!: ForecastPointDto[];
  @ApiProperty({ type: ForecastMetadataDto }) metadata!: ForecastMetadataDto;
  @ApiProperty({ type: BacktestDto }) backtest!: BacktestDto;
  @ApiProperty({ type: ForecastPerformanceDto }) performance_metrics!: ForecastPerformanceDto;
}
