/**
 * The apps' REST answers as their OpenAPI documents state them (docs/openapi/<app>.json, turned
 * into generated/<app>.ts by `npm run gen:api`): a page names the route it calls, not a copy of
 * the shape. `CsmsAnswer<'/stations'>` is what GET /stations answers; `CsmsSchema<'StationViewDto'>`
 * one of ocpp-csms's named schemas. `SolarhubBody<'/api/v1/schedule'>` is what POST /api/v1/schedule takes.
 */
import type { components as ConsoleComponents, paths as ConsolePaths } from './generated/console';
import type { components as CsmsComponents, paths as CsmsPaths } from './generated/ocpp-csms';
import type { components as IotComponents, paths as IotPaths } from './generated/iot-mock';
import type { components as PlantComponents, paths as PlantPaths } from './generated/plant-simulator';
import type { components as SolarhubComponents, paths as SolarhubPaths } from './generated/solarhub-api';
import type { components as GridpilotComponents, paths as GridpilotPaths } from './generated/gridpilot-optimizer';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The JSON body of an operation's 200 (or else 201) answer. */
type OkBody<Operation> = Operation extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer Body } } }
    ? Body
    : R extends { 201: { content: { 'application/json': infer Body } } }
      ? Body
      : never
  : never;

/** What `method path` answers, from the app's `paths`. */
type Answer<Paths, P extends keyof Paths, M extends Method> =
  Paths[P] extends Record<M, infer Operation> ? OkBody<Operation> : never;

/** The JSON body an operation takes (its `requestBody`). */
type JsonBody<Operation> = Operation extends { requestBody?: { content: { 'application/json': infer Body } } }
  ? Body
  : never;

/** What `method path` takes as its JSON body, from the app's `paths`. */
type Body<Paths, P extends keyof Paths, M extends Method> =
  Paths[P] extends Record<M, infer Operation> ? JsonBody<Operation> : never;

export type CsmsAnswer<P extends keyof CsmsPaths, M extends Method = 'get'> = Answer<CsmsPaths, P, M>;
export type IotAnswer<P extends keyof IotPaths, M extends Method = 'get'> = Answer<IotPaths, P, M>;
export type PlantAnswer<P extends keyof PlantPaths, M extends Method = 'get'> = Answer<PlantPaths, P, M>;
export type ConsoleAnswer<P extends keyof ConsolePaths, M extends Method = 'get'> = Answer<ConsolePaths, P, M>;
/** solarhub-api's paths carry its global prefix, as its document states them: `SolarhubAnswer<'/api/v1/meters'>`. */
export type SolarhubAnswer<P extends keyof SolarhubPaths, M extends Method = 'get'> = Answer<SolarhubPaths, P, M>;
/** gridpilot-optimizer's paths carry `/api/v1` too: `GridpilotAnswer<'/api/v1/system/status'>`. */
export type GridpilotAnswer<P extends keyof GridpilotPaths, M extends Method = 'get'> = Answer<GridpilotPaths, P, M>;

export type CsmsBody<P extends keyof CsmsPaths, M extends Method = 'post'> = Body<CsmsPaths, P, M>;
export type IotBody<P extends keyof IotPaths, M extends Method = 'post'> = Body<IotPaths, P, M>;
export type SolarhubBody<P extends keyof SolarhubPaths, M extends Method = 'post'> = Body<SolarhubPaths, P, M>;
export type GridpilotBody<P extends keyof GridpilotPaths, M extends Method = 'post'> = Body<GridpilotPaths, P, M>;

export type CsmsSchema<N extends keyof CsmsComponents['schemas']> = CsmsComponents['schemas'][N];
export type IotSchema<N extends keyof IotComponents['schemas']> = IotComponents['schemas'][N];
export type PlantSchema<N extends keyof PlantComponents['schemas']> = PlantComponents['schemas'][N];
export type ConsoleSchema<N extends keyof ConsoleComponents['schemas']> = ConsoleComponents['schemas'][N];
export type SolarhubSchema<N extends keyof SolarhubComponents['schemas']> = SolarhubComponents['schemas'][N];
export type GridpilotSchema<N extends keyof GridpilotComponents['schemas']> = GridpilotComponents['schemas'][N];
