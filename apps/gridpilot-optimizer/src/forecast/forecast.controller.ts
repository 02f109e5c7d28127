import { Body, Controller, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import { isoSeconds } from '@lib/contracts';
import { r2, r3 } from '../round';
import { ForecastDto, ForecastResponseDto } from './forecast.dto';
import { ForecastService } from './forecast.service';

@ApiTags('forecast and optimization')
@RequireRole('viewer')
@Controller('api/v1/ml')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  @Post('forecast')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hourly energy-price forecast: ensemble with 90 % bounds and its backtest' })
  @ApiOkResponse({ type: ForecastResponseDto })
  @ApiServiceUnavailableResponse({ description: 'No price history yet' })
  forecast(@Body() body: ForecastDto): ForecastResponseDto {
    const started = performance.now();
    const periods = body.periods ?? 24;
    const advanced = body.use_advanced ?? false;
    const f = this.forecasts.forecast(periods, advanced);
    if (!f) throw new ServiceUnavailableException('No price history yet; the first refresh has not completed');
    const mean = f.values.reduce((s, v) => s + v, 0) / f.values.length;
    const sd = Math.sqrt(f.values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, f.values.length - 1));
    const mape = f.backtest.ensemble.mape;
    return {
      forecast: f.hours.map((at, h) => ({
        timestamp: isoSeconds(at),
        predicted_price: r2(f.values[h]),
        lower_bound: r2(f.lower[h]),
        upper_bound: r2(f.upper[h]),
        uncertainty_energy: r2((f.upper[h] - f.lower[h]) / 2),
        method: 'ensemble',
      })),
      metadata: {
        periods,
        model_type: advanced ? 'advanced' : 'standard',
        methods_used: f.methods,
        features_used: 10,
        history_hours: f.historyHours,
        avg_predicted_price: r2(mean),
        price_volatility: r3(mean === 0 ? 0 : sd / mean),
      },
      backtest: {
        origins: f.backtest.origins,
        horizon_hours: f.backtest.horizon,
        methods: f.backtest.methods.map((m) => ({
          method: m.method,
          mae: r3(m.mae),
          mape: r2(m.mape),
          weight: r3(m.weight),
        })),
        ensemble: { mae: r3(f.backtest.ensemble.mae), mape: r2(f.backtest.ensemble.mape) },
      },
      performance_metrics: {
        processing_time_ms: r2(performance.now() - started),
        model_time_ms: r2(f.computeMs),
        forecast_accuracy: Number.isFinite(mape) ? r3(1 - mape / 100) : 'N/A',
        model_confidence: !Number.isFinite(mape) ? 'low' : mape < 10 ? 'high' : mape < 20 ? 'medium' : 'low',
      },
    };
  }
}
