import type { INestApplication } from '@nestjs/common';
import { adminAuthorization } from './auth';

/** Starts an app on a free loopback port and returns its base URL. */
export async function listenOnFreePort(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * fetch that parses a JSON body (or keeps the text when it is not JSON). It sends an admin access
 * token unless the call brings its own Authorization header (or `anonymous` asks for none), so the
 * tests of what an app does run through the same guard as production.
 */
export async function http<T = unknown>(
  url: string,
  init: RequestInit & { anonymous?: boolean } = {},
): Promise<JsonResponse<T>> {
  const { anonymous, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (!anonymous && !headers.has('authorization')) headers.set('authorization', await adminAuthorization());
  const response = await fetch(url, { ...rest, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text itself is the body
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export const postJson = <T = unknown>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> =>
  http<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Polls until the check passes or the time is up; returns the last value seen. */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
