/**
 * The typed API client (openapi-fetch over the generated schema types) with the session attached.
 *
 * Every call goes through `authFetch`: it adds the bearer token (refreshing it first when due) and,
 * on a 401, refreshes once and retries. `unwrap` turns openapi-fetch's {data, error} into a value or
 * a thrown ApiError, which is what TanStack Query wants.
 */
import createClient from 'openapi-fetch';

import { apiOrigin } from '@/config/env';
import { clearTokens, freshAccessToken, getTokens, refreshTokens } from '@/lib/auth-session';
import { ApiError, networkError } from '@/lib/api-error';
import type { paths } from '@/types/api';

export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const token = await freshAccessToken();
  if (token) input.headers.set('Authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(input);
  } catch (e) {
    throw networkError(e);
  }
  if (response.status !== 401 || !token) return response;
  const refreshed = await refreshTokens(token);
  if (!refreshed) {
    if (getTokens()) clearTokens('expired');
    return response;
  }
  retry.headers.set('Authorization', `Bearer ${refreshed.access}`);
  try {
    return await fetch(retry);
  } catch (e) {
    throw networkError(e);
  }
}

export const api = createClient<paths>({ baseUrl: apiOrigin(), fetch: authFetch });

type Result<T> = { data?: T; error?: unknown; response: Response };

function retryAfter(response: Response): number | null {
  const value = Number(response.headers.get('Retry-After'));
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/** The response body, or a thrown ApiError in the API's one error shape. */
export async function unwrap<T>(promise: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await promise;
  if (!response.ok) {
    const body = (error as { error?: ConstructorParameters<typeof ApiError>[1] } | undefined)?.error;
    throw new ApiError(response.status, body, retryAfter(response));
  }
  return data as T;
}

/** Like unwrap, with the response's ETag (single-resource GETs and writes carry one). */
export async function unwrapWithEtag<T>(promise: Promise<Result<T>>): Promise<{ data: T; etag: string | null }> {
  const result = await promise;
  const data = await unwrap(Promise.resolve(result));
  return { data, etag: result.response.headers.get('ETag') };
}

/** `If-Match` for a write: the resource's ETag as the API gave it. */
export const ifMatch = (etag: string) => ({ 'If-Match': etag });
