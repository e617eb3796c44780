import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { getTokens } from '@/lib/auth-session';
import { fakeJwt } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';

import { LoginForm } from './login-form';

async function fill(username: string, password: string) {
  if (username) await userEvent.type(screen.getByLabelText('Username or email'), username);
  if (password) await userEvent.type(screen.getByLabelText('Password'), password);
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginForm', () => {
  it('validates on the client before calling the API', async () => {
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    await fill('', '');
    expect(await screen.findByText('Enter your username or email.')).toBeInTheDocument();
    expect(screen.getByText('Enter your password.')).toBeInTheDocument();
    expect(screen.getByLabelText('Username or email')).toHaveAttribute('aria-invalid', 'true');
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('stores the tokens and reports success', async () => {
    const onSuccess = vi.fn();
    let body: unknown;
    server.use(
      http.post('/api/v1/auth/token/', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ access: fakeJwt(300), refresh: 'r-1' });
      }),
      http.get('/api/v1/auth/me/', () => HttpResponse.json({})),
    );
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);
    await fill('demo@pulse.example', 'pulse-demo-2026');
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(body).toEqual({ username: 'demo@pulse.example', password: 'pulse-demo-2026' });
    expect(getTokens()?.refresh).toBe('r-1');
  });

  it('shows the API message for wrong credentials', async () => {
    server.use(
      http.post('/api/v1/auth/token/', () =>
        HttpResponse.json({ error: { code: 'authentication_failed', message: 'No active account found with the given credentials.', details: {} } }, { status: 401 }),
      ),
    );
    renderWithProviders(<LoginForm onSuccess={vi.fn()} />);
    await fill('demo', 'wrong');
    expect(await screen.findByRole('alert')).toHaveTextContent('No active account found with the given credentials.');
  });

  it('tells a throttled user when to try again', async () => {
    server.use(
      http.post('/api/v1/auth/token/', () =>
        HttpResponse.json({ error: { code: 'throttled', message: 'Too many.', details: {} } }, { status: 429, headers: { 'Retry-After': '37' } }),
      ),
    );
    renderWithProviders(<LoginForm onSuccess={vi.fn()} />);
    await fill('demo', 'wrong');
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again in 37 s.');
  });
});
