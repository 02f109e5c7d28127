import { bearerToken, constantTimeEqual } from './index';

describe('constantTimeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
    ['', 'x', false],
  ])('%p vs %p -> %p', (a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer t0k3n', 't0k3n'],
    ['bearer t0k3n', 't0k3n'],
    ['Bearer   t0k3n  ', 't0k3n'],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
    [['Bearer a', 'Bearer b'], null],
  ])('%p -> %p', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});

describe('hashSecret / verifySecret', () => {
  it('verifies the right password and refuses others, with a fresh salt each time', async () => {
    const { hashSecret, verifySecret } = await import('./secret-hash');
    const a = await hashSecret('s3cret-station');
    const b = await hashSecret('s3cret-station');
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(await verifySecret('s3cret-station', a)).toBe(true);
    expect(await verifySecret('s3cret-statioN', a)).toBe(false);
    expect(await verifySecret('s3cret-station', 'plain')).toBe(false);
  });
});
