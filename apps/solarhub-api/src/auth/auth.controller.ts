import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Ip,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireRole } from '@lib/auth';
import type { Principal } from '@lib/auth';
import {
  CreateUserDto,
  JwksDto,
  LoginFormDto,
  LoginJsonDto,
  LogoutDto,
  MachinePrincipalDto,
  RefreshDto,
  TokenPairDto,
  UpdateUserDto,
  UserDto,
  UsersDto,
} from './auth.dto';
import { AuthService, TokenPair } from './auth.service';
import { CreateServiceTokenDto, CreatedServiceTokenDto, ServiceTokenDto } from './service-tokens.dto';
import { ServiceTokensService } from './service-tokens.service';
import { SigningKeys } from './signing-keys';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly serviceTokens: ServiceTokensService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({ summary: 'OAuth2 password login (form): access token 30 min, refresh token 7 days' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this user and address; see Retry-After' })
  login(@Body() body: LoginFormDto, @Ip() ip: string): Promise<TokenPair> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Post('login/json')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'JSON login' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this user and address; see Retry-After' })
  loginJson(@Body() body: LoginJsonDto, @Ip() ip: string): Promise<TokenPair> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'New token pair for a refresh token (rotated: each works once; reuse ends the session)' })
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(body.refresh_token);
  }

  @Get('me')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The current user (or service token) and roles' })
  @ApiExtraModels(UserDto, MachinePrincipalDto)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(UserDto) }, { $ref: getSchemaPath(MachinePrincipalDto) }] },
  })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserDto | MachinePrincipalDto> {
    if (principal.kind !== 'user') {
      return { username: principal.username, kind: principal.kind, roles: principal.roles.map((name) => ({ name })) };
    }
    return this.auth.describe(await this.auth.currentUser(principal.subject));
  }

  @Post('logout')
  @HttpCode(200)
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Ends the session: its refresh tokens stop working, and its access tokens on every app' })
  @ApiOkResponse({ type: LogoutDto })
  async logout(@CurrentPrincipal() principal: Principal): Promise<LogoutDto> {
    if (principal.kind === 'user' && principal.sessionId) await this.auth.revokeSession(principal.sessionId);
    return { message: 'Logged out', status: 'success' };
  }

  @Get('users')
  @RequireRole('admin')
  @ApiOperation({ summary: 'All users (admin)' })
  @ApiOkResponse({ type: UsersDto })
  users(): Promise<UsersDto> {
    return this.auth.listUsers();
  }

  @Post('users')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserDto })
  createUser(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.auth.createUser(body);
  }

  @Patch('users/:id')
  @RequireRole('admin')
  @ApiOperation({ summary: "Change a user's roles, activity or password; their sessions end on every app (admin)" })
  @ApiOkResponse({ type: UserDto })
  updateUser(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserDto> {
    return this.auth.updateUser(id, body, principal.username);
  }

  @Delete('users/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Deactivate a user (kept for the record) and end their sessions everywhere (admin)' })
  @ApiNoContentResponse({ description: 'Deactivated' })
  deleteUser(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.deleteUser(id, principal.username);
  }

  @Post('service-tokens')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create a named, scoped, revocable long-lived token for a machine client (admin)' })
  @ApiCreatedResponse({ type: CreatedServiceTokenDto })
  createServiceToken(
    @Body() body: CreateServiceTokenDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedServiceTokenDto> {
    return this.serviceTokens.create(body, principal.username);
  }

  @Get('service-tokens')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Every service token, without the tokens themselves (admin)' })
  @ApiOkResponse({ type: [ServiceTokenDto] })
  listServiceTokens(): Promise<ServiceTokenDto[]> {
    return this.serviceTokens.list();
  }

  @Delete('service-tokens/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Revoke a service token on every app (admin)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  revokeServiceToken(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.serviceTokens.revoke(id);
  }
}

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Public()
  @ApiOperation({ summary: 'The public keys of the site tokens (ES256 mode; empty with a shared HS256 secret)' })
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.keys.jwks;
  }
}
