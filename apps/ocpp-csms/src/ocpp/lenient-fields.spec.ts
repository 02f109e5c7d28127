import { truncateBootFields } from './lenient-fields';

const boot = (): Record<string, unknown> => ({
  chargePointVendor: 'Field',
  chargePointModel: 'Quirky-1',
  chargeBoxSerialNumber: 'S'.repeat(40),
});

describe('truncateBootFields', () => {
  it.each([
    ['off', { lenientFields: false, lenientModels: [] }, 40],
    ['on for every model', { lenientFields: true, lenientModels: [] }, 25],
    ['on for this model', { lenientFields: false, lenientModels: ['Quirky-1'] }, 25],
    ['on for another model', { lenientFields: false, lenientModels: ['Other'] }, 40],
  ])('%s', (_name, policy, length) => {
    const params = boot();
    const cut = truncateBootFields(params, policy);
    expect((params.chargeBoxSerialNumber as string).length).toBe(length);
    expect(cut.length).toBe(length === 25 ? 1 : 0);
  });
});
