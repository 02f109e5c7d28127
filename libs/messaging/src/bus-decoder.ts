import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import type { BusValidationConfig } from '@lib/config';
import { ClockSkew, TopicEntry, matchTopic, withClockSkew } from '@lib/contracts';
import type { MetricsService } from '@lib/observability';
import type { Counter } from 'prom-client';
import { fastCheckOf } from './compiled-check';

export type DecodeResult<T> =
  | { ok: true; value: T; topicParams: Record<string, string> }
  | { ok: false; reason: DecodeFailure; detail: string; fields: string[] };

export type DecodeFailure = 'wrong_topic' | 'too_large' | 'not_json' | 'not_object' | 'invalid' | 'id_mismatch';

export interface DecodeOptions {
  /** Largest payload accepted (bytes). */
  maxBytes: number;
  /** The timestamp window. */
  skew: ClockSkew;
  /**
   * Accept through the compiled check (compiled-check.ts) when it passes, and return the parsed body
   * as it is: plain objects, not instances of the contract classes. For hot paths that read fields
   * only (solarhub-api's telemetry ingestion).
   */
  fastAccept?: boolean;
}

export const DEFAULT_DECODE_OPTIONS: DecodeOptions = {
  maxBytes: 256 * 1024,
  skew: { pastS: 24 * 3600, futureS: 300 },
};

/** Decode options from an app's validated bus configuration (libs/config). */
export function decodeOptions(config: BusValidationConfig | undefined): DecodeOptions {
  if (!config) return DEFAULT_DECODE_OPTIONS;
  return { maxBytes: config.maxBytes, skew: { pastS: config.pastSkewS, futureS: config.futureSkewS } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first failing constraint, as `path: message`, for the log and the caller. */
function firstError(errors: ValidationError[], prefix = ''): string {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) return `${path}: ${Object.values(error.constraints)[0]}`;
    if (error.children?.length) return firstError(error.children, path);
  }
  return 'invalid';
}

interface Invalid {
  detail: string;
  fields: string[];
}

/** `strict` refuses keys the class does not declare (the last class a message is checked against). */
function validate<T extends object>(type: new () => T, body: Record<string, unknown>, strict: boolean): T | Invalid {
  const value = plainToInstance(type, body, { enableImplicitConversion: false });
  const errors = validateSync(value, { forbidUnknownValues: true, whitelist: strict, forbidNonWhitelisted: strict });
  return errors.length ? { detail: firstError(errors), fields: errors.map((e) => e.property) } : value;
}

const isInvalid = <T>(v: T | Invalid): v is Invalid => v instanceof Object && 'fields' in v && 'detail' in v;

/**
 * A parsed body against the entry's payload class (and, for a discriminated union, the class its
 * discriminator names), strictly: the value, or why not. Run inside withClockSkew; may throw on
 * hostile input.
 */
export function checkBusBody<T extends object>(
  entry: TopicEntry<T>,
  body: Record<string, unknown>,
  fastAccept = false,
): { ok: true; value: T } | { ok: false; detail: string; fields: string[] } {
  const union = entry.refine !== undefined;
  // The hot path: a body the compiled check passes is exactly one class-validator passes, and is
  // returned as parsed (plain objects, not class instances). Anything else gets class-validator's
  // verdict and its reason.
  if (fastAccept && fastCheckOf(entry.payload, !union)?.(body)) {
    const type = union ? (entry.refine?.(body as T) ?? entry.payload) : entry.payload;
    if (!union || fastCheckOf(type, true)?.(body)) return { ok: true, value: body as T };
  }
  const base = validate(entry.payload, body, !union);
  if (isInvalid(base)) return { ok: false, ...base };
  const value = union ? validate(entry.refine?.(base) ?? entry.payload, body, true) : base;
  return isInvalid(value) ? { ok: false, ...value } : { ok: true, value };
}

/**
 * The one gate of every bus subscriber: size, JSON, object, the entry's payload class (and, for a
 * discriminated union, the class its discriminator names), and the topic's device id against the
 * body's. Never throws; a refusal says why.
 */
export function decodeBusMessage<T extends object>(
  entry: TopicEntry<T>,
  topic: string,
  payload: Buffer | string,
  options: DecodeOptions = DEFAULT_DECODE_OPTIONS,
): DecodeResult<T> {
  const refuse = (reason: DecodeFailure, detail: string, fields: string[] = []): DecodeResult<T> => ({
    ok: false,
    reason,
    detail,
    fields,
  });
  const topicParams = matchTopic(entry, topic);
  if (!topicParams) return refuse('wrong_topic', `${topic.slice(0, 200)} is not ${entry.pattern}`);
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > options.maxBytes) return refuse('too_large', `payload of ${size} bytes exceeds ${options.maxBytes}`);
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return refuse('not_json', 'payload is not valid JSON');
  }
  if (!isObject(body)) return refuse('not_object', 'payload must be a JSON object');
  // class-transformer drops these silently; a sender that writes them is not a device.
  if (Object.hasOwn(body, '__proto__') || Object.hasOwn(body, 'constructor'))
    return refuse('invalid', 'payload must not set __proto__ or constructor', ['__proto__']);
  try {
    return withClockSkew(options.skew, () => {
      const checked = checkBusBody(entry, body, options.fastAccept);
      if (!checked.ok) return refuse('invalid', checked.detail, checked.fields);
      const value = checked.value;
      const fields = value as Record<string, unknown>;
      const mismatch = entry.echoedParams.find((name) => fields[name] !== topicParams[name]);
      if (mismatch !== undefined)
        return refuse('id_mismatch', `${mismatch} ${String(fields[mismatch]).slice(0, 64)} is not the topic's`, [
          mismatch,
        ]);
      return { ok: true, value, topicParams };
    });
  } catch (error) {
    // A validator that throws on hostile input is still a refusal, never a crash of the handler.
    return refuse('invalid', `validation failed: ${(error as Error).message}`);
  }
}

/**
 * Counts refused bus messages in `bus_invalid_messages_total{topic,reason}` and logs at most once
 * a minute per topic pattern, with how many were refused since the last line.
 */
export class BusInvalidMessages {
  private readonly counter: Counter<'topic' | 'reason'>;
  private readonly logger: Logger;
  private readonly lastLog = new Map<string, { at: number; suppressed: number }>();

  constructor(
    metrics: MetricsService,
    name: string,
    private readonly logIntervalMs = 60_000,
  ) {
    this.counter = metrics.counter('bus_invalid_messages_total', 'Bus messages refused by validation', [
      'topic',
      'reason',
    ]);
    this.logger = new Logger(`${name}:bus`);
  }

  /** Records one refusal on `entry` (labelled by its pattern, so labels stay bounded). */
  record(entry: TopicEntry, topic: string, reason: string, detail: string): void {
    this.counter.inc({ topic: entry.pattern, reason });
    const now = Date.now();
    const last = this.lastLog.get(entry.pattern);
    if (last && now - last.at < this.logIntervalMs) {
      last.suppressed += 1;
      return;
    }
    const since = last ? ` (${last.suppressed} more refused since the last report)` : '';
    this.lastLog.set(entry.pattern, { at: now, suppressed: 0 });
    this.logger.warn(`refused message on ${topic.slice(0, 200)}: ${reason}: ${detail.slice(0, 300)}${since}`);
  }

  /** Decodes with decodeBusMessage; a refusal is recorded and returned as null. */
  decode<T extends object>(
    entry: TopicEntry<T>,
    topic: string,
    payload: Buffer | string,
    options: DecodeOptions,
  ): { value: T; topicParams: Record<string, string> } | null {
    const result = decodeBusMessage(entry, topic, payload, options);
    if (result.ok) return { value: result.value, topicParams: result.topicParams };
    this.record(entry, topic, result.reason, result.detail);
    return null;
  }
}
