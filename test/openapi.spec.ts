import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { APP_NAMES, type AppName } from '@lib/config';
import { loadConsoleConfig } from '../apps/console/src/console.config';
import { loadGridpilotConfig } from '../apps/gridpilot-optimizer/src/gridpilot-optimizer.config';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { loadPlantSimulatorConfig } from '../apps/plant-simulator/src/plant-simulator.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { openApiDocument } from '@lib/observability';
import { createConsoleApp } from '../apps/console/src/app.factory';
import { createGridpilotApp } from '../apps/gridpilot-optimizer/src/app.factory';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { createPlantSimulatorApp } from '../apps/plant-simulator/src/app.factory';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';

/**
 * Each app's OpenAPI document is committed as docs/openapi/<app>.json, so a change to an API shows
 * in review as a change to its document, and the console's types (apps/console/web/src/api/generated,
 * `npm run gen:api`) come from it. UPDATE_OPENAPI=1 rewrites the snapshots and the types.
 */
const ROOT = join(__dirname, '..');
const UPDATE = process.env.UPDATE_OPENAPI === '1';

/**
 * 2xx answers still without a schema: "<app> <METHOD> <path>". Empty: every answer of every app
 * has one. An operation may be listed while its response class is written; an entry that gets
 * its schema must leave the list (the test says so).
 */
const PENDING_RESPONSE_SCHEMAS: readonly string[] = [];

/** The apps as production builds them, on throwaway SQLite files and no broker, never listening. */
async function buildApp(app: AppName, dataDir: string): Promise<NestFastifyApplication> {
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${join(dataDir, `${app}.sqlite`)}`,
    JWT_SECRET_KEY: 'openapi-snapshot-secret-0123456789',
  };
  switch (app) {
    case 'solarhub-api':
      return createSolarhubApp(loadSolarhubConfig(env));
    case 'gridpilot-optimizer':
      return createGridpilotApp(loadGridpilotConfig(env));
    case 'ocpp-csms':
      return createCsmsApp(loadOcppCsmsConfig({ ...env, OCPP_PORT: '0' }));
    case 'plant-simulator':
      return createPlantSimulatorApp(loadPlantSimulatorConfig([], env));
    case 'iot-mock':
      return createIotMockApp(loadIotMockConfig(env));
    case 'console':
      return createConsoleApp(loadConsoleConfig(env));
  }
}

/** Every object's keys sorted, so the snapshot does not change with the order decorators ran in. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

const snapshotText = (document: OpenAPIObject): string => `${JSON.stringify(sortKeys(document), null, 2)}\n`;

type Schema = Record<string, unknown>;

/** A schema that says something: a $ref, a typed array, an object with properties, or a scalar type. */
function described(schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (typeof schema.$ref === 'string') return true;
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const parts = schema[key];
    if (Array.isArray(parts)) return parts.length > 0 && parts.every((p) => described(p as Schema));
  }
  if (schema.type === 'array') return described(schema.items as Schema | undefined);
  if (schema.type === 'object' || schema.type === undefined) {
    const properties = schema.properties as Schema | undefined;
    const additional = schema.additionalProperties;
    return (
      (properties !== undefined && Object.keys(properties).length > 0) ||
      (typeof additional === 'object' && additional !== null && described(additional as Schema))
    );
  }
  return typeof schema.type === 'string';
}

/** "<app> <Schema>.<property>" of every property that states no type (what a nullable without `type` becomes). */
function untypedProperties(app: AppName, document: OpenAPIObject): string[] {
  const found: string[] = [];
  const visit = (where: string, schema: Schema): void => {
    const composed =
      typeof schema.$ref === 'string' || ['oneOf', 'anyOf', 'allOf', 'enum'].some((key) => Array.isArray(schema[key]));
    const bareObject = schema.type === 'object' && !schema.properties && !schema.additionalProperties;
    if (!composed && (typeof schema.type !== 'string' || bareObject)) found.push(where);
    for (const [name, property] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {}))
      visit(`${where}.${name}`, property);
    if (schema.type === 'array' && schema.items) visit(`${where}[]`, schema.items as Schema);
  };
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
    visit(`${app} ${name}`, schema as Schema);
  return found;
}

/** "<app> <METHOD> <path>" of every 2xx answer whose schema is missing or says nothing. */
function undescribedAnswers(app: AppName, document: OpenAPIObject): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, unknown>)) {
      const responses = (operation as { responses?: Record<string, { content?: Record<string, Schema> }> })?.responses;
      const answers = Object.entries(responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      // 204 No Content has no body to describe.
      if (answers.length > 0 && answers.every(([status]) => status === '204')) continue;
      const contents = answers.flatMap(([, response]) => Object.values(response.content ?? {}));
      if (contents.length === 0 || !contents.every((c) => described(c.schema as Schema | undefined)))
        missing.push(`${app} ${method.toUpperCase()} ${path}`);
    }
  }
  return missing;
}

describe('the OpenAPI documents (docs/openapi/<app>.json)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-'));
  const documents = new Map<AppName, OpenAPIObject>();

  beforeAll(async () => {
    for (const name of APP_NAMES) {
      const app = await buildApp(name, dataDir);
      try {
        documents.set(name, openApiDocument(app));
      } finally {
        await app.close();
      }
    }
  }, 120_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(APP_NAMES.map((name) => [name]))('%s: the committed document is the one the app builds', (name) => {
    const file = join(ROOT, 'docs', 'openapi', `${name}.json`);
    const current = snapshotText(documents.get(name)!);
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      committed = '';
    }
    if (UPDATE && committed !== current) {
      writeFileSync(file, current);
      return;
    }
    if (committed !== current) {
      const a = committed.split('\n');
      const b = current.split('\n');
      const line = a.findIndex((text, i) => text !== b[i]);
      throw new Error(
        `docs/openapi/${name}.json is not what ${name} builds (first difference at line ${line + 1}:\n` +
          `  committed: ${a[line] ?? '(end of file)'}\n  built:     ${b[line] ?? '(end of file)'})\n` +
          'If the API change is meant, run `UPDATE_OPENAPI=1 npx jest test/openapi.spec.ts` and commit the documents ' +
          'and the regenerated console types (npm run gen:api).',
      );
    }
  });

  it('states a schema for every 2xx answer (but the few still pending)', () => {
    const missing = APP_NAMES.flatMap((name) => undescribedAnswers(name, documents.get(name)!));
    expect(missing.filter((op) => !PENDING_RESPONSE_SCHEMAS.includes(op))).toEqual([]);
    // A pending entry that has got its schema leaves the list.
    expect(PENDING_RESPONSE_SCHEMAS.filter((op) => !missing.includes(op))).toEqual([]);
  });

  it('types every property of the named schemas (apps without pending answers)', () => {
    const complete = APP_NAMES.filter((name) => !PENDING_RESPONSE_SCHEMAS.some((op) => op.startsWith(`${name} `)));
    expect(complete.flatMap((name) => untypedProperties(name, documents.get(name)!))).toEqual([]);
  });

  it("the console's generated API types are those of the committed documents (npm run gen:api)", () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-api.js'), ...(UPDATE ? [] : ['--check'])], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`${result.stdout}${result.stderr}`);
  });
});
