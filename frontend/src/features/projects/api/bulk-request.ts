import { apiOrigin } from '@/config/env';
import { authFetch } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';

/** A JSON request through the signed-in session; a 4xx/5xx becomes the API's ApiError. */
export async function requestJson<T>(method: 'GET' | 'POST', path: string, { body, headers }: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const response = await authFetch(new Request(new URL(path, apiOrigin()), init));
  const data: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (data as { error?: ConstructorParameters<typeof ApiError>[1] } | undefined)?.error;
    const retry = Number(response.headers.get('Retry-After'));
    throw new ApiError(response.status, error, Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : null);
  }
  return data as T;
}
