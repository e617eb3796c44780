import type { ErrorBody } from '@/types/models';

/** Every 4xx/5xx of the API has one shape: {"error": {code, message, details}}. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly retryAfter: number | null;

  constructor(status: number, body: Partial<ErrorBody> | undefined, retryAfter: number | null = null) {
    super(body?.message || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? 'unknown_error';
    this.details = (body?.details as Record<string, unknown> | undefined) ?? {};
    this.retryAfter = retryAfter;
  }

  /** Field errors from `details` as {field: "first message"}; `non_field_errors` maps to `root`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, value] of Object.entries(this.details)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string') out[field === 'non_field_errors' ? 'root' : field] = first;
    }
    return out;
  }

  /** 412: the server's current representation and its ETag, for a reload or a merge. */
  get current(): unknown {
    return this.details.current;
  }

  get etag(): string | undefined {
    return typeof this.details.etag === 'string' ? this.details.etag : undefined;
  }

  /** 412: who made the newest change since the version sent (null: the server does not know). */
  get changedBy(): { id: number; name: string } | null {
    const by = this.details.changed_by as { id?: unknown; name?: unknown } | null | undefined;
    return by && typeof by.id === 'number' && typeof by.name === 'string' ? { id: by.id, name: by.name } : null;
  }

  /** 412: every field changed since the version sent. */
  get changedFields(): string[] {
    const fields = this.details.changed_fields;
    return Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

export function networkError(cause: unknown): ApiError {
  const err = new ApiError(0, { code: 'network_error', message: 'Cannot reach Pulse. Check your connection.', details: {} });
  err.cause = cause;
  return err;
}

/** Turns any thrown value into a sentence for a person. */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 429 && e.retryAfter) return `Too many attempts. Try again in ${e.retryAfter} s.`;
    return e.message;
  }
  return e instanceof Error ? e.message : 'Something went wrong.';
}
