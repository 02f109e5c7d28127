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
