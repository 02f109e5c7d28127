import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';

/** Larger than any plant this simulator models; catches unit mix-ups (W sent as MW). */
export const MAX_CONSUMPTION_MW = 10_000;

export class SetConsumptionDto {
  @ApiProperty({ example: 0.15, minimum: 0, maximum: MAX_CONSUMPTION_MW, description: 'Expected consumption in MW' })
  @Max(MAX_CONSUMPTION_MW, { message: `Input should be less than or equal to ${MAX_CONSUMPTION_MW}` })
  @Min(0, { message: 'Input should be greater than or equal to 0' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'Input should be a finite number' })
  expected_consumption_mw!: number;
}

export class SetConsumptionResponseDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 0.15 })
  consumption_mw!: number;
}

export class OptionalPlantQueryDto {
  @ApiProperty({ required: false, example: 'complexo-paranhos', description: 'Defaults to the first plant' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  plant_id?: string;
}

export class SourceValueDto {
  @ApiProperty({ example: 0.045 })
  value_mw!: number;

  @ApiProperty({ example: 'success' })
  status!: 'success';
}

export class ReadingTotalsDto {
  @ApiProperty({ example: 0.1 }) consumption_mw!: number;
  @ApiProperty({ example: 0.5 }) generation_mw!: number;
  @ApiProperty({ example: 0.4, description: 'generation − consumption; negative when importing' })
  exported_mw!: number;
}

export class PlantReadingDto {
  @ApiProperty({ example: '2025-01-12T10:30:00Z' })
  collection_timestamp!: string;

  @ApiProperty({
    example: {
      container_eles: { value_mw: 0.045, status: 'success' },
      container_mazp: { value_mw: 0.055, status: 'success' },
    },
  })
  consumption!: { container_eles: SourceValueDto; container_mazp: SourceValueDto };

  @ApiProperty({
    example: { generoso: { value_mw: 0.24, status: 'success' }, nogueira: { value_mw: 0.26, status: 'success' } },
  })
  generation!: { generoso: SourceValueDto; nogueira: SourceValueDto };

  @ApiProperty({ type: ReadingTotalsDto })
  totals!: ReadingTotalsDto;
}

export class LatestReadingResponseDto {
  @ApiProperty({ type: PlantReadingDto })
  reading!: PlantReadingDto;
}

/** What a plant publishes on PLANT_TOPICS.reading: the reading plus the plant it belongs to. */
export interface PlantReadingMessage {
  plant_id: string;
  seq: number;
  reading: PlantReadingDto;
}

export class PlantHealthDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: [0.1, 0.5] }) generation_range!: [number, number];
  @ApiProperty({ example: 0.32 }) current_generation!: number;
  @ApiProperty({ example: 0.15 }) current_consumption!: number;
  @ApiProperty({ example: 'external', enum: ['external', 'none'] }) consumption_source!: 'external' | 'none';
}
