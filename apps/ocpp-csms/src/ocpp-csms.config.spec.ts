import { DEFAULT_JWKS_URL } from '@lib/config';
import { configErrorMessage as messageOf } from '@lib/testing';
import { loadOcppCsmsConfig } from './ocpp-csms.config';

describe('loadOcppCsmsConfig', () => {
  it('defaults to port 8002 (OCPP on 9000) and honours PORT', () => {
    const c = loadOcppCsmsConfig({});
    expect(c.http.port).toBe(8002);
    expect(c.ocpp.port).toBe(9000);
    expect(c.databaseUrl).toBe('sqlite:data/ocpp-csms.sqlite');
    expect(loadOcppCsmsConfig({ PORT: '18002' }).http.port).toBe(18002);
  });

  it('checks ES256 tokens with the JWKS of solarhub-api, and needs no shared key then', () => {
    const auth = loadOcppCsmsConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'ES256' }).auth;
    expect(auth).toMatchObject({ algorithm: 'ES256', secret: null, jwksUrl: DEFAULT_JWKS_URL });
    const moved = loadOcppCsmsConfig({ JWT_ALGORITHM: 'ES256', JWKS_URL: 'https://id.site/.well-known/jwks.json' });
    expect(moved.auth.jwksUrl).toBe('https://id.site/.well-known/jwks.json');
    expect(messageOf(() => loadOcppCsmsConfig({ JWT_ALGORITHM: 'RS256' }))).toContain('JWT_ALGORITHM');
  });
});

describe('loadOcppCsmsConfig: field settings', () => {
  it('is strict and cautious by default', () => {
    const c = loadOcppCsmsConfig({});
    expect(c.ocpp).toMatchObject({ lenientFields: false, lenientModels: [], availableGraceS: 60 });
    expect(c.site).toEqual({
      callTimeoutMs: 5_000,
      answerWithinMs: 800,
      debounceMs: 250,
      reviewIntervalMs: 5_000,
      safetyMarginPct: 10,
      stepW: 500,
      idleAfterS: 300,
      idleShare: 'min',
      retryAfterS: 300,
      leaderLeaseMs: 5_000,
      leaderRenewMs: 1_500,
      sendAttempts: 3,
      sendBackoffMs: 250,
    });
  });

  it('lets known models in by name, and names a bad value', () => {
    expect(loadOcppCsmsConfig({ OCPP_LENIENT_MODELS: 'Quirky-1, Old-2' }).ocpp.lenientModels).toEqual([
      'Quirky-1',
      'Old-2',
    ]);
    expect(messageOf(() => loadOcppCsmsConfig({ SITE_IDLE_SHARE: 'some' }))).toContain('SITE_IDLE_SHARE');
    expect(messageOf(() => loadOcppCsmsConfig({ SITE_SAFETY_MARGIN_PCT: '-5' }))).toContain('SITE_SAFETY_MARGIN_PCT');
  });
});
