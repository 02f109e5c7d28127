import { IsInt, IsString, Max, Min } from 'class-validator';
import { configErrorMessage as messageOf } from '@lib/testing';
import { Type } from 'class-transformer';
import {
  AuthEnv,
  CommonEnv,
  DEFAULT_JWKS_URL,
  DEV_JWT_SECRET,
  argvToEnv,
  authConfig,
  commonConfig,
  processEnv,
  refuseDefaultSecrets,
  validateEnv,
} from './index';

/** The mechanism each app's loader is built from; the apps' own settings are tested beside them. */
class ExampleEnv extends CommonEnv {
  @Type(() => Number) @IsInt() @Min(1) @Max(10) EXAMPLE_COUNT = 3;
  @IsString() EXAMPLE_NAME = 'default';
}

describe('validateEnv', () => {
  it('gives the defaults on a bare environment, converts numbers and treats an empty value as unset', () => {
    expect(validateEnv(ExampleEnv, {})).toMatchObject({
      EXAMPLE_COUNT: 3,
      EXAMPLE_NAME: 'default',
      NODE_ENV: 'development',
    });
    expect(validateEnv(ExampleEnv, { EXAMPLE_COUNT: '7', EXAMPLE_NAME: '' })).toMatchObject({
      EXAMPLE_COUNT: 7,
      EXAMPLE_NAME: 'default',
    });
  });

  it('names every bad variable with what it got', () => {
    const message = messageOf(() => validateEnv(ExampleEnv, { EXAMPLE_COUNT: '11', PORT: 'http' }));
    expect(message).toContain('EXAMPLE_COUNT');
    expect(message).toContain('(got 11)');
    expect(message).toContain('PORT');
  });

  it("reads the process's environment through processEnv", () => {
    expect(processEnv()).toBe(process.env);
  });
});

describe('argvToEnv', () => {
  const options = [
    { flag: 'count', env: 'EXAMPLE_COUNT' },
    { flag: 'debug', env: 'DEBUG', boolean: true },
  ];

  it('maps options to their variables', () => {
    expect(argvToEnv(['--count', '5', '--debug'], options)).toEqual({ EXAMPLE_COUNT: '5', DEBUG: 'true' });
  });

  it('stops on an unknown option, naming it', () => {
    expect(messageOf(() => argvToEnv(['--frobnicate'], options))).toContain("Unknown option '--frobnicate'");
  });
});

describe('secrets', () => {
  const secret = { name: 'EXAMPLE_SECRET', developmentDefault: 'shipped' };

  it('refuses a shipped or empty secret in production only', () => {
    expect(messageOf(() => refuseDefaultSecrets(true, [{ ...secret, value: 'shipped' }]))).toContain('EXAMPLE_SECRET');
    expect(messageOf(() => refuseDefaultSecrets(true, [{ ...secret, value: '' }]))).toContain('EXAMPLE_SECRET');
    expect(() => refuseDefaultSecrets(true, [{ ...secret, value: 'own' }])).not.toThrow();
    expect(() => refuseDefaultSecrets(false, [{ ...secret, value: 'shipped' }])).not.toThrow();
  });

  it('refuses the development JWT key and AUTH_DISABLED in production', () => {
    const env = (e: Record<string, string>) => validateEnv(CommonEnv, e);
    expect(messageOf(() => commonConfig(env({ NODE_ENV: 'production' }), 1))).toContain('JWT_SECRET_KEY');
    expect(messageOf(() => commonConfig(env({ NODE_ENV: 'production', AUTH_DISABLED: 'true' }), 1))).toContain(
      'AUTH_DISABLED',
    );
    expect(commonConfig(env({}), 1).auth.secret).toBe(DEV_JWT_SECRET);
  });

  it('checks ES256 tokens with the JWKS of solarhub-api by default', () => {
    const auth = authConfig({ ...validateEnv(AuthEnv, { JWT_ALGORITHM: 'ES256' }), NODE_ENV: 'production' });
    expect(auth).toMatchObject({ algorithm: 'ES256', secret: null, jwksUrl: DEFAULT_JWKS_URL });
  });
});

describe('commonConfig', () => {
  it("uses the app's default port unless PORT is set", () => {
    expect(commonConfig(validateEnv(CommonEnv, {}), 8123).http.port).toBe(8123);
    expect(commonConfig(validateEnv(CommonEnv, { PORT: '18123' }), 8123).http.port).toBe(18123);
  });
});
