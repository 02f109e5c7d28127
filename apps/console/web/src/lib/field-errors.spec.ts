import { fieldErrors } from './field-errors';

describe('a 422 read back per field', () => {
  it('ties each message to its field', () => {
    const detail =
      'mode: mode must be one of the following values: dreg, edreg; time_end: Field required; password: too short';
    expect(fieldErrors(detail).fields).toEqual({
      mode: 'mode must be one of the following values: dreg, edreg',
      time_end: 'Field required',
      password: 'too short',
    });
  });

  it('keeps what names no known field (a plain 409 or 400) apart', () => {
    const out = fieldErrors('A dreg event already starts at 2026-12-04T14:00:00Z', ['mode', 'time_start']);
    expect(out.fields).toEqual({});
    expect(out.rest).toEqual(['A dreg event already starts at 2026-12-04T14:00:00Z']);
  });

  it('groups nested locations under their top field and joins repeats', () => {
    const out = fieldErrors('apps.0: bad app; apps.1: bad app', ['apps']);
    expect(out.fields).toEqual({ apps: 'bad app; bad app' });
  });
});
