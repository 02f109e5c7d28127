import helmet from 'helmet';
import { helmetHeaders, isHtml, jsonDepthExceeds, rateLimitKey } from './http-edges';
import { MAX_ECHOED_INPUT_CHARS, boundedInput } from './validation.pipe';

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[1,{"b":[]}]}', 4, false],
    ['{"a":[1,{"b":[]}]}', 3, true],
    ['"[[[[[[[["', 1, false],
    ['{"a":"\\"[[[[","b":1}', 1, false],
    ['[' + '['.repeat(40) + ']'.repeat(41), 32, true],
    ['[[],[],[],[]]', 2, false],
  ])('%s deeper than %d: %s', (text, max, expected) => {
    expect(jsonDepthExceeds(Buffer.from(text), max)).toBe(expected);
  });

  it('scans 900 kB of nesting and 600 kB of a flat array quickly (generous bound: the machine is shared)', () => {
    const deep = Buffer.from('['.repeat(450_000) + ']'.repeat(450_000));
    const flat = Buffer.from(`[${'1,'.repeat(300_000)}1]`);
    const started = performance.now();
    expect(jsonDepthExceeds(deep, 32)).toBe(true);
    expect(jsonDepthExceeds(flat, 32)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('rateLimitKey', () => {
  it('keys on a hash of the bearer token, never the token, else on the address', () => {
    const key = rateLimitKey({ headers: { authorization: 'Bearer s3cr3t-token' }, ip: '10.0.0.1' });
    expect(key).toMatch(/^token:/);
    expect(key).not.toContain('s3cr3t');
    expect(rateLimitKey({ headers: { authorization: 'Bearer s3cr3t-token' }, ip: '10.0.0.2' })).toBe(key);
    expect(rateLimitKey({ headers: {}, ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });
});

describe('boundedInput', () => {
  it('keeps small values and cuts large ones to the start of their JSON', () => {
    expect(boundedInput(3)).toBe(3);
    expect(boundedInput(undefined)).toBeNull();
    expect(boundedInput({ a: 1 })).toEqual({ a: 1 });
    const cut = boundedInput({ pad: 'x'.repeat(10_000) });
    expect(typeof cut).toBe('string');
    expect((cut as string).length).toBe(MAX_ECHOED_INPUT_CHARS + 1);
    expect(boundedInput('y'.repeat(5000))).toHaveLength(MAX_ECHOED_INPUT_CHARS + 1);
  });
});

describe('isHtml', () => {
  it('tells a page from everything else by its Content-Type', () => {
    expect(isHtml('text/html; charset=utf-8')).toBe(true);
    expect(isHtml('TEXT/HTML')).toBe(true);
    expect(isHtml('application/json; charset=utf-8')).toBe(false);
    expect(isHtml('text/htmlx')).toBe(false);
    expect(isHtml(undefined)).toBe(false);
    expect(isHtml(['text/html'])).toBe(false);
  });
});

describe('helmetHeaders', () => {
  it("records the headers helmet's middleware sets, once, for every reply", () => {
    const headers = helmetHeaders(
      helmet({
        contentSecurityPolicy: { directives: { frameAncestors: ["'none'"] } },
        crossOriginEmbedderPolicy: false,
      }),
    );
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
    expect(headers).not.toHaveProperty('Cross-Origin-Embedder-Policy');
  });

  it('refuses a middleware that fails instead of answering without headers', () => {
    expect(() =>
      helmetHeaders((_request, _response, next) => {
        next(new Error('bad directive'));
      }),
    ).toThrow('bad directive');
  });
});
