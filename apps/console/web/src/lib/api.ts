/**
 * Calls to the apps through the console host: `/api/<app>/<path>`, with the signed-in user's token.
 * A failed call throws an ApiError carrying the status and the app's own `detail`, so a page can
 * say "forbidden", "the charger rejected it" or "ocpp-csms is not reachable" as it is.
 */

export type AppName = 'solarhub' | 'gridpilot' | 'csms' | 'iot' | 'plant';

export const APP_LABELS: Record<AppName, string> = {
  solarhub: 'solarhub-api',
  gridpilot: 'gridpilot-optimizer',
  csms: 'ocpp-csms',
  iot: 'iot-mock',
  plant: 'plant-simulator',
};

export class ApiError extends Error {
  constructor(
    readonly app: AppName | 'console',
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  get forbidden(): boolean {
    return this.status === 403;
  }

  /** The app did not answer (the console host says 502/504), or the console host itself is away. */
  get unreachable(): boolean {
    return this.status === 502 || this.status === 504 || this.status === 0;
  }
}

/** `{detail: "…"}` or `{detail: [{loc, msg}]}` (validation) as one sentence. */
export function detailText(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = body.detail;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) {
      return detail
        .map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).slice(1).join('.')}: ${d.msg ?? 'invalid'}`)
        .join('; ');
    }
  }
  return fallback;
}

export interface TokenSource {
  /** The current access token, refreshed first when it is about to expire. */
  accessToken(): Promise<string | null>;
  /** Called on a 401: try a refresh once; true when there is a new token to retry with. */
  refreshAfter401(): Promise<boolean>;
}

let tokens: TokenSource | null = null;

export function setTokenSource(source: TokenSource | null): void {
  tokens = source;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Send no token (the login itself). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

function url(app: AppName, path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  return `/api/${app}${path}${qs ? `?${qs}` : ''}`;
}

async function once(app: AppName, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const token = options.anonymous ? null : await tokens?.accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(url(app, path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('console', 0, 'the console is not reachable');
  }
}

/** One call; JSON back (or null for an empty answer). */
export async function api<T>(app: AppName, path: string, options: RequestOptions = {}): Promise<T> {
  return (await call(app, path, options)).body as T;
}

/** One page of a list that pages: its items and the total the app counts (`X-Total-Count`). */
export async function apiPage<T>(
  app: AppName,
  path: string,
  options: RequestOptions = {},
): Promise<{ items: T[]; total: number }> {
  const { body, headers } = await call(app, path, options);
  const items = Array.isArray(body) ? (body as T[]) : [];
  const total = Number(headers.get('x-total-count'));
  return { items, total: Number.isFinite(total) && headers.has('x-total-count') ? total : items.length };
}

async function call(app: AppName, path: string, options: RequestOptions): Promise<{ body: unknown; headers: Headers }> {
  let response = await once(app, path, options);
  if (response.status === 401 && !options.anonymous && tokens && (await tokens.refreshAfter401())) {
    response = await once(app, path, options);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const fallback =
      response.status === 502 || response.status === 504
        ? `${APP_LABELS[app]} is not reachable`
        : `${APP_LABELS[app]} answered ${response.status}`;
    throw new ApiError(app, response.status, detailText(body, fallback));
  }
  return { body, headers: response.headers };
}

/** What a page says about a failed call. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.forbidden) return `Forbidden: your role may not do this (${error.detail})`;
    return error.detail;
  }
  return error instanceof Error ? error.message : String(error);
}
