import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { api, ifMatch, unwrap, unwrapWithEtag } from '@/lib/api-client';
import { ApiError, errorMessage } from '@/lib/api-error';
import { getTokens } from '@/lib/auth-session';
import { server } from '@/testing/mocks/server';
import { fakeJwt, makeProject, me, signIn } from '@/testing/fixtures';

describe('api client', () => {
  it('sends the bearer token and returns the body', async () => {
    signIn();
    let auth: string | null = null;
    server.use(
      http.get('/api/v1/auth/me/', ({ request }) => {
        auth = request.headers.get('Authorization');
        return HttpResponse.json(me);
      }),
    );
    const body = await unwrap(api.GET('/api/v1/auth/me/'));
    expect(body.username).toBe('dana');
    expect(auth).toMatch(/^Bearer ey/);
  });

  it('turns the error shape into an ApiError with field errors', async () => {
    signIn();
    server.use(
      http.post('/api/v1/projects/', () =>
        HttpResponse.json(
          { error: { code: 'validation_error', message: 'Invalid input.', details: { title: ['A project with this title already exists.'], non_field_errors: ['Due date is before start.'] } } },
          { status: 400 },
        ),
      ),
    );
    const err = await unwrap(api.POST('/api/v1/projects/', { body: { title: 'Dup' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiErr = err as ApiError;
    expect(apiErr.status).toBe(400);
    expect(apiErr.code).toBe('validation_error');
    expect(apiErr.fieldErrors()).toEqual({ title: 'A project with this title already exists.', root: 'Due date is before start.' });
  });

  it('carries If-Match and exposes the 412 body (current + etag)', async () => {
    signIn();
    let sent: string | null = null;
    const current = makeProject({ version: 5, etag: '"project-1-v5"' });
    server.use(
      http.patch('/api/v1/projects/1/', ({ request }) => {
        sent = request.headers.get('If-Match');
        return HttpResponse.json(
          { error: { code: 'precondition_failed', message: 'Changed since.', details: { current, etag: '"project-1-v5"' } } },
          { status: 412 },
        );
      }),
    );
    const err = (await unwrap(
      api.PATCH('/api/v1/projects/{project_id}/', { params: { path: { project_id: 1 }, header: ifMatch('"project-1-v3"') }, body: { title: 'x' } }),
    ).catch((e: unknown) => e)) as ApiError;
    expect(sent).toBe('"project-1-v3"');
    expect(err.status).toBe(412);
    expect(err.etag).toBe('"project-1-v5"');
    expect((err.current as { version: number }).version).toBe(5);
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    signIn();
    const seen: string[] = [];
    let refreshes = 0;
    const fresh = fakeJwt(600);
    server.use(
      http.post('/api/v1/auth/token/refresh/', () => {
        refreshes += 1;
        return HttpResponse.json({ access: fresh, refresh: 'refresh-2' });
      }),
      http.get('/api/v1/auth/me/', ({ request }) => {
        const auth = request.headers.get('Authorization') ?? '';
        seen.push(auth);
        return auth === `Bearer ${fresh}` ? HttpResponse.json(me) : HttpResponse.json({ error: { code: 'not_authenticated', message: 'No.', details: {} } }, { status: 401 });
      }),
    );
    const body = await unwrap(api.GET('/api/v1/auth/me/'));
    expect(body.id).toBe(1);
    expect(refreshes).toBe(1);
    expect(seen).toHaveLength(2);
    expect(getTokens()?.refresh).toBe('refresh-2');
  });

  it('signs out when the refresh is refused', async () => {
    signIn();
    server.use(
      http.post('/api/v1/auth/token/refresh/', () => HttpResponse.json({ error: { code: 'token_not_valid', message: 'Expired.', details: {} } }, { status: 401 })),
      http.get('/api/v1/auth/me/', () => HttpResponse.json({ error: { code: 'not_authenticated', message: 'No.', details: {} } }, { status: 401 })),
    );
    const err = (await unwrap(api.GET('/api/v1/auth/me/')).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(getTokens()).toBeNull();
  });

  it('refreshes an access token about to expire before sending, once for concurrent calls', async () => {
    signIn(5); // expires in 5 s: inside the refresh margin
    let refreshes = 0;
    server.use(
      http.post('/api/v1/auth/token/refresh/', async () => {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 20));
        return HttpResponse.json({ access: fakeJwt(300), refresh: 'refresh-2' });
      }),
      http.get('/api/v1/auth/me/', () => HttpResponse.json(me)),
    );
    await Promise.all([unwrap(api.GET('/api/v1/auth/me/')), unwrap(api.GET('/api/v1/auth/me/')), unwrap(api.GET('/api/v1/auth/me/'))]);
    expect(refreshes).toBe(1);
  });

  it('reads the ETag header of single-resource GETs', async () => {
    signIn();
    server.use(http.get('/api/v1/projects/1/', () => HttpResponse.json(makeProject(), { headers: { ETag: '"project-1-v3"' } })));
    const { etag } = await unwrapWithEtag(api.GET('/api/v1/projects/{project_id}/', { params: { path: { project_id: 1 } } }));
    expect(etag).toBe('"project-1-v3"');
  });

  it('says when to try again after a 429', async () => {
    server.use(
      http.post('/api/v1/auth/token/', () =>
        HttpResponse.json({ error: { code: 'throttled', message: 'Request was throttled.', details: {} } }, { status: 429, headers: { 'Retry-After': '42' } }),
      ),
    );
    const err = await unwrap(api.POST('/api/v1/auth/token/', { body: { username: 'a', password: 'b' } })).catch((e: unknown) => e);
    expect(errorMessage(err)).toBe('Too many attempts. Try again in 42 s.');
  });

  it('reports a network failure as a network_error', async () => {
    signIn();
    server.use(http.get('/api/v1/auth/me/', () => HttpResponse.error()));
    const err = (await unwrap(api.GET('/api/v1/auth/me/')).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('network_error');
  });
});
