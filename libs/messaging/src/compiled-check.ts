import { plainToInstance } from 'class-transformer';
import { ValidationArguments, ValidationTypes, getMetadataStorage } from 'class-validator';

/**
 * A fast yes for the bus decoder's hot path: whether a parsed JSON body would pass
 * `validateSync(plainToInstance(type, body), { forbidUnknownValues: true, whitelist: strict,
 * forbidNonWhitelisted: strict })`, answered from the same class-validator metadata and by the same
 * constraint functions (IsIn, Min, Max, Matches, IsSafeCount… are called, not re-implemented), but
 * without class-transformer's copy, the per-object metadata lookups and the error objects that
 * made class-validator most of ingestion's CPU. It is used only to accept: a body it does not pass
 * goes through class-validator as before, which says why it is refused (so a doubt costs time,
 * never a wrong answer). Classes using anything it does not model (class-transformer transforms or
 * exposure rules, async validators) get no fast check; test/bus-fast-check.spec.ts holds it to
 * class-validator on the bus fuzz corpus.
 */
export type FastCheck = (body: Record<string, unknown>) => boolean;

type Ctor = new () => object;
type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
interface Constraint {
  validate(value: unknown, args: ValidationArguments): unknown;
}
interface Property {
  name: string;
  /** ValidateIf / IsOptional: the property is not validated when one says no. */
  conditions: ((object: object, value: unknown) => boolean)[];
  /** `args`: the ValidationArguments given to the constraints, one object reused for every call. */
  checks: { metadata: ValidationMetadata; constraints: Constraint[]; args: ValidationArguments }[];
  /** ValidateNested: the class of the nested object(s), from class-transformer's @Type. */
  nested: Ctor | null;
}
interface Compiled {
  name: string;
  properties: Property[];
  known: Set<string>;
}

const compiled = new Map<string, FastCheck | null>();
const ids = new WeakMap<Ctor, number>();
let nextId = 0;

/** The fast check of `type` (strict: unknown keys refused, at every level), or null when it has none. */
export function fastCheckOf(type: Ctor, strict: boolean): FastCheck | null {
  let id = ids.get(type);
  if (id === undefined) ids.set(type, (id = nextId++));
  const key = `${id}:${strict}`;
  if (!compiled.has(key)) {
    let check: FastCheck | null = null;
    try {
      const classes = new Map<Ctor, Compiled>();
      const root = compile(type, classes);
      check = (body) => passes(root, body, strict, classes);
    } catch {
      check = null;
    }
    compiled.set(key, check);
  }
  return compiled.get(key) ?? null;
}

function compile(type: Ctor, classes: Map<Ctor, Compiled>): Compiled {
  const done = classes.get(type);
  if (done) return done;
  const storage = getMetadataStorage();
  // Exactly the metadata validateSync uses for an instance of `type` (no groups, always off).
  const metadatas = storage.getTargetValidationMetadatas(type, '', false, false, undefined);
  if (metadatas.length === 0) throw new Error(`${type.name}: no metadata (forbidUnknownValues refuses it)`);
  const grouped = storage.groupByPropertyName(metadatas);
  const names = Object.keys(grouped);
  // class-transformer's own answer for a probe: each property copied as it is (no @Transform,
  // @Expose or @Exclude), nothing added, and the class @Type makes of a nested object.
  const probe = Object.fromEntries(names.map((name, i) => [name, `probe-${i}`]));
  const copied = plainToInstance(type, probe, { enableImplicitConversion: false }) as Record<string, unknown>;
  if (Object.keys(copied).some((k) => !(k in probe)) || names.some((n) => copied[n] !== probe[n]))
    throw new Error(`${type.name}: class-transformer changes its properties`);
  const entry: Compiled = { name: type.name, properties: [], known: new Set(names) };
  classes.set(type, entry);
  for (const [name, list] of Object.entries(grouped)) {
    const property: Property = { name, conditions: [], checks: [], nested: null };
    for (const metadata of list) {
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
          break;
        case ValidationTypes.CUSTOM_VALIDATION:
        case ValidationTypes.IS_DEFINED: {
          const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
          if (constraints.some((c) => c.async)) throw new Error(`${type.name}.${name}: async validator`);
          property.checks.push({
            metadata,
            constraints: constraints.map((c) => c.instance as Constraint),
            args: {
              targetName: type.name,
              property: name,
              object: {},
              value: undefined,
              constraints: metadata.constraints,
            },
          });
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const made = (plainToInstance(type, { [name]: {} }) as Record<string, unknown>)[name];
          const nested = (made as object).constructor as Ctor;
          if (nested === Object) throw new Error(`${type.name}.${name}: no @Type`);
          property.nested = nested;
          compile(nested, classes);
          break;
        }
        case ValidationTypes.WHITELIST:
          break;
        default:
          throw new Error(`${type.name}.${name}: ${metadata.type} validation`);
      }
    }
    entry.properties.push(property);
  }
  return entry;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** ValidationExecutor.execute for one object, answering only yes or no. */
function passes(
  type: Compiled,
  object: Record<string, unknown>,
  strict: boolean,
  classes: Map<Ctor, Compiled>,
): boolean {
  if (strict) for (const key of Object.keys(object)) if (!type.known.has(key)) return false;
  for (const property of type.properties) {
    const value = object[property.name];
    let validate = true;
    for (const condition of property.conditions) if (!condition(object, value)) validate = false;
    if (!validate) continue;
    for (const { metadata, constraints, args } of property.checks) {
      if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
      // Validators are synchronous and keep nothing (async ones get no fast check): one arguments
      // object per check, refilled, instead of one allocated per value checked.
      args.object = object;
      args.value = value;
      for (const constraint of constraints) {
        if (metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
          for (const item of Array.isArray(value) ? value : [...(value as Set<unknown>).values()])
            if (constraint.validate(item, args) !== true) return false;
        } else if (constraint.validate(value, args) !== true) return false;
      }
    }
    if (property.nested && value !== undefined) {
      const nested = classes.get(property.nested);
      if (!nested) return false;
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) if (!isPlainObject(item) || !passes(nested, item, strict, classes)) return false;
    }
  }
  return true;
}
