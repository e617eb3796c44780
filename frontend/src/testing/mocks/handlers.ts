import { http, HttpResponse } from 'msw';

import { fakeJwt } from '../fixtures';

/** Default handlers every test gets; tests add their own with server.use(...). */
export const handlers = [
  http.post('/api/v1/auth/token/refresh/', () => HttpResponse.json({ access: fakeJwt(300), refresh: 'refresh-2' })),
];
