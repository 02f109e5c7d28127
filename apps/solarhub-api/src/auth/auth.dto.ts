import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export class LoginJsonDto {
  @ApiProperty({ example: 'admin' }) @IsString() @MinLength(1) @MaxLength(80) username!: string;
  @ApiProperty({ example: 'secret' }) @IsString() @MinLength(1) @MaxLength(1024) password!: string;
}

/** OAuth2 password-grant form fields; the client fields are accepted and ignored. */
export class LoginFormDto extends LoginJsonDto {
  @ApiPropertyOptional() @IsOptional() @IsIn(['password']) grant_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() scope?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() client_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() client_secret?: string;
}

export class RefreshDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(4096) refresh_token!: string;
}

export const ROLE_NAMES = ['admin', 'operator', 'viewer'] as const;

export class CreateUserDto {
  @ApiProperty({ minLength: 3, maxLength: 80 })
  @Matches(/^[A-Za-z0-9_.@-]{3,80}$/, { message: 'username must be 3-80 letters, digits or _.@-' })
  username!: string;
  @ApiProperty() @IsEmail() @MaxLength(255) email!: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(1024) password!: string;
  @ApiPropertyOptional({ enum: ROLE_NAMES, isArray: true, default: ['viewer'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(ROLE_NAMES, { each: true })
  roles?: (typeof ROLE_NAMES)[number][];
}

/** What an admin may change of a user; changing roles, deactivating or a new password ends the user's sessions. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLE_NAMES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(ROLE_NAMES, { each: true })
  roles?: (typeof ROLE_NAMES)[number][];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;

  @ApiPropertyOptional({ minLength: 8 }) @IsOptional() @IsString() @MinLength(8) @MaxLength(1024) password?: string;
}

export class TokenPairDto {
  @ApiProperty() access_token!: string;
  @ApiProperty({ description: 'works once: each refresh rotates it' }) refresh_token!: string;
  @ApiProperty({ enum: ['bearer'] }) token_type!: 'bearer';
  @ApiProperty({ example: 1800, description: 'seconds the access token lives' }) expires_in!: number;
}

export class RoleDto {
  @ApiProperty() id!: number;
  @ApiProperty({ enum: ROLE_NAMES }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Read-only user' }) description!: string | null;
}

export class UserDto {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'admin' }) username!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '2024-01-01T14:00:00' }) confirmed_at!: string | null;
  @ApiProperty({ type: [RoleDto] }) roles!: RoleDto[];
}

export class UsersDto {
  @ApiProperty({ type: [UserDto] }) users!: UserDto[];
  @ApiProperty({ example: 'success' }) status!: string;
}

export class RoleNameDto {
  @ApiProperty({ enum: ROLE_NAMES }) name!: string;
}

/** `GET /me` for a service token (or a static bearer): its name, kind and role. */
export class MachinePrincipalDto {
  @ApiProperty({ example: 'gridpilot-optimizer' }) username!: string;
  @ApiProperty({ example: 'service' }) kind!: string;
  @ApiProperty({ type: [RoleNameDto] }) roles!: RoleNameDto[];
}

export class LogoutDto {
  @ApiProperty({ example: 'Logged out' }) message!: string;
  @ApiProperty({ example: 'success' }) status!: string;
}

export class JwkDto {
  @ApiProperty({ example: 'EC' }) kty!: string;
  @ApiPropertyOptional({ example: 'P-256' }) crv?: string;
  @ApiPropertyOptional() x?: string;
  @ApiPropertyOptional() y?: string;
  @ApiProperty({ description: 'RFC 7638 thumbprint' }) kid!: string;
  @ApiProperty({ enum: ['sig'] }) use!: 'sig';
  @ApiProperty({ example: 'ES256' }) alg!: string;
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto] }) keys!: JwkDto[];
}
