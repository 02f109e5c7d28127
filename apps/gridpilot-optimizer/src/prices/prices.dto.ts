import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

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
