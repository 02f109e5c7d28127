import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsSafeCount } from './bounds';

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

/**
 * The sunlight the plant gets, as a factor of its clear-sky generation: a test or a demo forces a
 * cloud (0.5 halves generation in one step) and clears it (1). The walk goes on underneath.
 */
export class SetIrradianceDto {
  @ApiProperty({ example: 0.5, minimum: 0, maximum: 1, description: 'Factor of the clear-sky generation, 0–1' })
  @Max(1, { message: 'Input should be less than or equal to 1' })
  @Min(0, { message: 'Input should be greater than or equal to 0' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'Input should be a finite number' })
  factor!: number;
}

export class SetIrradianceResponseDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 'complexo-paranhos' })
  plant_id!: string;

  @ApiProperty({ example: 0.5 })
  irradiance_factor!: number;

  @ApiProperty({ example: 0.16, description: 'Generation with the factor applied, MW' })
  generation_mw!: number;
}

export class OptionalPlantQueryDto {
  @ApiProperty({ required: false, example: 'complexo-paranhos', description: 'Defaults to the first plant' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  plant_id?: string;
}

const finiteMw = { allowNaN: false, allowInfinity: false } as const;

export class SourceValueDto {
  @ApiProperty({ example: 0.045 })
  @Max(MAX_CONSUMPTION_MW)
  @Min(-MAX_CONSUMPTION_MW)
  @IsNumber(finiteMw)
  value_mw!: number;

  @ApiProperty({ example: 'success' })
  @IsIn(['success'])
  status!: 'success';
}

export class ConsumptionSourcesDto {
  @ApiProperty({ type: SourceValueDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SourceValueDto)
  container_eles!: SourceValueDto;

  @ApiProperty({ type: SourceValueDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SourceValueDto)
  container_mazp!: SourceValueDto;
}

export class GenerationSourcesDto {
  @ApiProperty({ type: SourceValueDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SourceValueDto)
  generoso!: SourceValueDto;

  @ApiProperty({ type: SourceValueDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SourceValueDto)
  nogueira!: SourceValueDto;
}

export class ReadingTotalsDto {
  @ApiProperty({ example: 0.1 })
  @Max(MAX_CONSUMPTION_MW)
  @Min(0)
  @IsNumber(finiteMw)
  consumption_mw!: number;

  @ApiProperty({ example: 0.5 })
  @Max(MAX_CONSUMPTION_MW)
  @Min(0)
  @IsNumber(finiteMw)
  generation_mw!: number;

  @ApiProperty({ example: 0.4, description: 'generation − consumption; negative when importing' })
  @Max(MAX_CONSUMPTION_MW)
  @Min(-MAX_CONSUMPTION_MW)
  @IsNumber(finiteMw)
  exported_mw!: number;
}

export class PlantReadingDto {
  @ApiProperty({ example: '2025-01-12T10:30:00Z' })
  @IsISO8601({ strict: true })
  collection_timestamp!: string;

  @ApiProperty({
    example: {
      container_eles: { value_mw: 0.045, status: 'success' },
      container_mazp: { value_mw: 0.055, status: 'success' },
    },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => ConsumptionSourcesDto)
  consumption!: ConsumptionSourcesDto;

  @ApiProperty({
    example: { generoso: { value_mw: 0.24, status: 'success' }, nogueira: { value_mw: 0.26, status: 'success' } },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => GenerationSourcesDto)
  generation!: GenerationSourcesDto;

  @ApiProperty({ type: ReadingTotalsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ReadingTotalsDto)
  totals!: ReadingTotalsDto;
}

export class LatestReadingResponseDto {
  @ApiProperty({ type: PlantReadingDto })
  reading!: PlantReadingDto;
}

/** What a plant publishes on PLANT_TOPICS.reading: the reading plus the plant it belongs to. */
export class PlantReadingMessage {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
  @IsString()
  plant_id!: string;

  @IsSafeCount()
  seq!: number;

  @IsObject()
  @ValidateNested()
  @Type(() => PlantReadingDto)
  reading!: PlantReadingDto;
}

/** Each simulator service's presence, retained on SERVICE_TOPICS.status (its last will says offline). */
export class ServiceStatusMessage {
  @MaxLength(64)
  @IsString()
  service!: string;

  @IsIn(['online', 'offline'])
  status!: 'online' | 'offline';
}

export class PlantHealthDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: [0.1, 0.5] }) generation_range!: [number, number];
  @ApiProperty({ example: 0.32 }) current_generation!: number;
  @ApiProperty({ example: 0.15 }) current_consumption!: number;
  @ApiProperty({ example: 'external', enum: ['external', 'none'] }) consumption_source!: 'external' | 'none';
  @ApiProperty({ example: 1, description: 'Factor of the clear-sky generation (PUT /simulation/irradiance)' })
  irradiance_factor!: number;
}
