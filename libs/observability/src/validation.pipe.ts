import { ArgumentMetadata, Injectable, PipeTransform, UnprocessableEntityException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';

/** One entry of a 422 body, shaped as in the SolarHub document (FastAPI's format). */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

/** A 422 for one missing field, for handlers that read a single parameter without a DTO. */
export function fieldRequired(loc: 'body' | 'query' | 'param', field: string): UnprocessableEntityException {
  return new UnprocessableEntityException({
    detail: [{ type: 'missing', loc: [loc, field], msg: 'Field required', input: null }] satisfies ValidationDetail[],
  });
}

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];

/** Longest `input` echoed in a 422, in characters of JSON: a big bad value is not sent back whole. */
export const MAX_ECHOED_INPUT_CHARS = 200;

/** The value itself when small; else the start of its JSON text, ending in `…`. */
export function boundedInput(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') {
    return value ?? null;
  }
  if (typeof value === 'string') {
    return value.length <= MAX_ECHOED_INPUT_CHARS ? value : `${value.slice(0, MAX_ECHOED_INPUT_CHARS)}…`;
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    return '(not shown)';
  }
  return text.length <= MAX_ECHOED_INPUT_CHARS ? value : `${text.slice(0, MAX_ECHOED_INPUT_CHARS)}…`;
}

function flatten(
  errors: ValidationError[],
  loc: (string | number)[],
  out: ValidationDetail[] = [],
): ValidationDetail[] {
  for (const error of errors) {
    const here = [...loc, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const constraints = error.constraints ?? {};
    if ('whitelistValidation' in constraints) {
      out.push({
        type: 'extra_forbidden',
        loc: here,
        msg: 'Extra inputs are not permitted',
        input: boundedInput(error.value),
      });
    } else if (error.value === undefined && Object.keys(constraints).length > 0) {
      out.push({ type: 'missing', loc: here, msg: 'Field required', input: null });
    } else {
      for (const msg of Object.values(constraints)) {
        out.push({ type: 'value_error', loc: here, msg, input: boundedInput(error.value) });
      }
    }
    if (error.children?.length) flatten(error.children, here, out);
  }
  return out;
}

/**
 * The global validation pipe: converts and validates DTOs, answering 422 with the location of
 * each bad field (`["body", "expected_consumption_mw"]`). Unknown body fields are refused; unknown
 * query parameters are dropped, so cache-busting parameters do not break clients.
 */
@Injectable()
export class DetailValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype, type } = metadata;
    if (!metatype || PRIMITIVES.includes(metatype) || type === 'custom') return value;
    const isBody = type === 'body';
    // No body at all is an empty object: required fields are then named one by one.
    if (isBody && value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new UnprocessableEntityException({
        detail: [
          {
            type: 'model_attributes_type',
            loc: ['body'],
            msg: 'Input should be a valid object',
            input: boundedInput(value),
          },
        ],
      });
    }
    const instance: object = plainToInstance(metatype as new () => object, value ?? {}, {
      enableImplicitConversion: !isBody,
    });
    const errors = await validate(instance, {
      whitelist: true,
      forbidNonWhitelisted: isBody,
      forbidUnknownValues: false,
      // One message per field: the type check (declared next to the property) runs first.
      stopAtFirstError: true,
    });
    if (errors.length > 0) throw new UnprocessableEntityException({ detail: flatten(errors, [type]) });
    return instance;
  }
}
