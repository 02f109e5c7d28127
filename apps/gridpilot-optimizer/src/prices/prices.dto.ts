import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class PricesQueryDto {
  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 2160, description: 'Hours of history' })
  @IsOptional()
  @Max(2160)
  @Min(1)
  @IsInt()
  hours_back?: number;
}

export class PricePointDto {
  @ApiProperty({ example: '2026-12-04T10:05:00Z' }) timestamp!: string;
  @ApiProperty({ description: '$/MWh' }) energy_price!: number;
  @ApiProperty() hash_price!: number;
  @ApiProperty() token_price!: number;
  @ApiProperty() volume!: number;
  @ApiProperty({ description: 'coefficient of variation of the energy price over the 24 h before' })
  volatility_24h!: number;
}

export class PriceRangeDto {
  @ApiProperty({ type: Number, nullable: true }) min!: number | null;
  @ApiProperty({ type: Number, nullable: true }) max!: number | null;
}

export class PricesMetadataDto {
  @ApiProperty() total_records!: number;
  @ApiProperty({ type: Number, nullable: true }) latest_price!: number | null;
  @ApiProperty({ type: PriceRangeDto }) price_range!: PriceRangeDto;
  @ApiProperty({ example: 'simulated' }) source!: string;
  @ApiProperty({ example: '$/MWh' }) unit!: string;
  @ApiProperty() timestamp!: string;
}

export class PricesDto {
  @ApiProperty({ type: [PricePointDto], description: 'oldest first' }) data!: PricePointDto[];
  @ApiProperty({ type: PricesMetadataDto }) metadata!: PricesMetadataDto;
}

export class DailyPricesQueryDto {
  @ApiProperty({ example: '2026-03-29', description: "A day of the site's calendar (SITE_TIMEZONE)" })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a date (YYYY-MM-DD)' })
  date!: string;
}

export class DailyPricePointDto {
  @ApiProperty({ description: 'hour of the local day, from 0' }) hour!: number;
  @ApiProperty({ example: '2026-03-29T00:00:00Z', description: 'the hour’s start, UTC' }) timestamp!: string;
  @ApiProperty({ example: '2026-03-29T01:00:00+01:00', description: 'the hour’s start, site time' })
  local_time!: string;
  @ApiProperty({ type: Number, nullable: true, description: '$/MWh, mean of the hour' }) energy_price!: number | null;
  @ApiProperty({ type: Number, nullable: true }) hash_price!: number | null;
  @ApiProperty({ type: Number, nullable: true }) token_price!: number | null;
  @ApiProperty({ description: 'price points averaged' }) samples!: number;
}

export class DailyPricesDto {
  @ApiProperty({ example: '2026-03-29' }) date!: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone!: string;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty({ description: '24, or 23 / 25 on a DST change' }) hours!: number;
  @ApiProperty({ type: [DailyPricePointDto] }) data!: DailyPricePointDto[];
  @ApiProperty({ example: '$/MWh' }) unit!: string;
}
