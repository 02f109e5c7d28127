import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

/** One revoked session (or service token): its access tokens are refused until `until_s`. */
export class RevokedSessionDto {
  @ApiProperty({ example: '0d1c2b3a-…' })
  @IsString()
  @Length(1, 80)
  sid!: string;

  @ApiProperty({ description: 'seconds since epoch; after this its tokens have expired anyway' })
  @IsInt()
  @Min(0)
  @Max(253_402_300_799)
  until_s!: number;
}

/**
 * Every session revoked and not yet expired, published whole by solarhub-api on each change
 * (retained on MQTT, kept under the same key on Redis), so an app that starts late learns them all.
 */
export class RevokedSessionsDto {
  @IsArray()
  @ArrayMaxSize(1_000_000)
  @ValidateNested({ each: true })
  @Type(() => RevokedSessionDto)
  sessions!: RevokedSessionDto[];

  @IsString()
  published_at!: string;
}
