import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEFAULT_CLOCK_SKEW, DeviceDataMessage, TOPIC_REGISTRY, dataMessageClass, withClockSkew } from '@lib/contracts';
import { DEFAULT_DECODE_OPTIONS, decodeBusMessage, fastCheckOf } from '@lib/messaging';
import { AssetKind, aValidReading, badTelemetry } from './support/bus-corpus';

type Json = Record<string, unknown>;
const KINDS: AssetKind[] = ['bess', 'pcs', 'meter', 'pv_inverter'];

/** What class-validator says of a data message, as the bus decoder asked it before the fast check. */
function classValidatorAccepts(body: Json): boolean {
  const check = (type: new () => object, strict: boolean): object | null => {
    const value = plainToInstance(type, body, { enableImplicitConversion: false });
    const errors = validateSync(value, { forbidUnknownValues: true, whitelist: strict, forbidNonWhitelisted: strict });
    return errors.length === 0 ? value : null;
  };
  const base = check(DeviceDataMessage, false);
  return base !== null && check(dataMessageClass(base as DeviceDataMessage), true) !== null;
}

function fastAccepts(body: Json): boolean {
  if (!fastCheckOf(DeviceDataMessage, false)?.(body)) return false;
  return fastCheckOf(dataMessageClass(body as unknown as DeviceDataMessage), true)?.(body) === true;
}

/** Every leaf of a valid message broken one way at a time: missing, null, wrong type, past its bounds. */
function mutations(message: Json): { name: string; body: Json }[] {
  const out: { name: string; body: Json }[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) visit(v, [...path, Array.isArray(node) ? Number(k) : k]);
      if (!Array.isArray(node)) out.push(edit(path, 'extra key', (o) => ((o as Json).extra_field = 1)));
      return;
    }
    const values: unknown[] = [null, 'x', true, {}, [], -1, 0, 1.5, 1e13, -1e13, 65536, Number.MAX_SAFE_INTEGER + 2];
    if (typeof node === 'number') values.push(node + 1e6, -node, node * 1000);
    if (typeof node === 'string') values.push('', `${node}x`, node.toUpperCase(), 'rack13', 'Charging', 'bess');
    for (const value of values)
      out.push(
        edit(path.slice(0, -1), `${path.join('.')}=${JSON.stringify(value)}`, (o) => set(o, path.at(-1), value)),
      );
    out.push(edit(path.slice(0, -1), `${path.join('.')} missing`, (o) => set(o, path.at(-1), undefined)));
  };
  const edit = (at: (string | number)[], name: string, change: (o: unknown) => void): { name: string; body: Json } => {
    const copy = JSON.parse(JSON.stringify(message)) as Json;
    let o: unknown = copy;
    for (const key of at) o = (o as Json)[key as string];
    change(o);
    return { name, body: JSON.parse(JSON.stringify(copy)) as Json };
  };
  const set = (o: unknown, key: string | number | undefined, value: unknown): void => {
    if (key === undefined) return;
    if (value === undefined) delete (o as Json)[key as string];
    else (o as Json)[key as string] = value;
  };
  visit(message, []);
  return out;
}

/**
 * The compiled check of the bus decoder's hot path (libs/messaging compiled-check.ts) against
 * class-validator on the bus fuzz corpus and on every field of every asset message broken in turn:
 * they must agree on each, so the fast path accepts exactly what the contract classes accept.
 */
describe('compiled check of device data messages', () => {
  const corpus: { name: string; body: Json }[] = [];
  for (const kind of KINDS) {
    const valid = aValidReading(kind, `fast-${kind}-3`);
    corpus.push({ name: `valid ${kind}`, body: valid });
    corpus.push(...mutations(valid).map((m) => ({ name: `${kind}: ${m.name}`, body: m.body })));
  }
  corpus.push({ name: 'valid load', body: aValidReading('server', 'fast-server-1') });
  for (const bad of badTelemetry('fast-bess-2')) {
    try {
      const body = JSON.parse(bad.payload.toString()) as unknown;
      // decodeBusMessage refuses a __proto__ or constructor key before any validation.
      if (typeof body === 'object' && body !== null && !Array.isArray(body) && !Object.hasOwn(body, '__proto__'))
        corpus.push({ name: `fuzz: ${bad.name}`, body: body as Json });
    } catch {
      // not JSON: refused before any validation
    }
  }

  it('exists for every asset message class', () => {
    expect(fastCheckOf(DeviceDataMessage, false)).not.toBeNull();
    for (const kind of KINDS) {
      const type = dataMessageClass(aValidReading(kind, `fast-${kind}-3`) as unknown as DeviceDataMessage);
      expect([type.name, fastCheckOf(type, true) !== null]).toEqual([type.name, true]);
    }
  });

  it('agrees with class-validator on every message of the corpus', () => {
    const disagreements = withClockSkew(DEFAULT_CLOCK_SKEW, () =>
      corpus
        .map((c) => ({ name: c.name, classValidator: classValidatorAccepts(c.body), fast: fastAccepts(c.body) }))
        .filter((r) => r.classValidator !== r.fast),
    );
    expect(disagreements).toEqual([]);
    const accepted = corpus.filter((c) => withClockSkew(DEFAULT_CLOCK_SKEW, () => classValidatorAccepts(c.body)));
    // Both sides are exercised: the valid messages and some harmless edits pass, the rest do not.
    expect(accepted.length).toBeGreaterThanOrEqual(KINDS.length + 1);
    expect(corpus.length - accepted.length).toBeGreaterThan(500);
  });

  it('still refuses with class-validator reason when the fast check says no', () => {
    const bess = aValidReading('bess', 'fast-bess-4');
    (bess.racks as Json[])[3].soc_pct = 101;
    const result = decodeBusMessage(
      TOPIC_REGISTRY.deviceData,
      'energy/devices/fast-bess-4/data',
      JSON.stringify(bess),
      {
        ...DEFAULT_DECODE_OPTIONS,
        fastAccept: true,
      },
    );
    expect(result).toMatchObject({ ok: false, reason: 'invalid', detail: expect.stringContaining('soc_pct') });
  });
});
