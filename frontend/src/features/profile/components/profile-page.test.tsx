import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { ToastRegion } from '@/components/ui/toast-region';
import { getTokens } from '@/lib/auth-session';
import { useToastStore } from '@/stores/toast-store';
import { fakeJwt, me, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Me } from '@/types/models';

import { ProfilePage } from './profile-page';

type Patch = { body: Record<string, unknown>; ifMatch: string | null };

/** GET and PATCH /auth/me/ over one user record whose version moves with every write. */
function serveMe(initial: Me = me, reply?: (body: Record<string, unknown>) => Response | undefined) {
  let current = { ...initial };
  const patches: Patch[] = [];
  server.use(
    http.get('/api/v1/auth/me/', () => HttpResponse.json(current, { headers: { ETag: current.etag } })),
    http.patch('/api/v1/auth/me/', async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      patches.push({ body, ifMatch: request.headers.get('If-Match') });
      const custom = reply?.(body);
      if (custom) return custom;
      const { current_password: _c, new_password: _n, ...profile } = body;
      const version = current.version + 1;
      current = { ...current, ...profile, version, etag: `"user-1-v${version}"` } as Me;
      return HttpResponse.json(current, { headers: { ETag: current.etag } });
    }),
  );
  return patches;
}

const fieldError = (code: string, details: Record<string, string[]>, status = 400) =>
  HttpResponse.json({ error: { code, message: 'Invalid input.', details } }, { status });

const page = () => (
  <>
    <ProfilePage />
    <ToastRegion />
  </>
);

const form = (name: string) => screen.getByRole('form', { name });

beforeEach(() => useToastStore.setState({ toasts: [] }));

describe('ProfilePage', () => {
  it('shows a skeleton, then the profile filled in, the email choices and the version', async () => {
    signIn();
    serveMe({ ...me, email_opt_out: ['digest', 'milestone_due_soon'] });
    renderWithProviders(page());
    expect(screen.getByRole('status')).toHaveTextContent('Loading your profile');
    expect(await screen.findByLabelText('Display name')).toHaveValue('Dana Demo');
    expect(screen.getByLabelText('Email')).toHaveValue('dana@pulse.example');
    expect(screen.getByRole('checkbox', { name: /Daily digest/ })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: /Milestone due soon/ })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: /Status change/ })).toBeChecked();
    expect(screen.getAllByRole('checkbox')).toHaveLength(7);
    expect(screen.getByText('Pulse version').nextElementSibling).toHaveTextContent(/\S/);
    expect(within(form('Profile details')).getByRole('button', { name: 'Save profile' })).toBeDisabled();
  });

  it('PATCHes only the changed fields with If-Match, then uses the new ETag', async () => {
    signIn();
    const patches = serveMe();
    renderWithProviders(page());
    const name = await screen.findByLabelText('Display name');
    await userEvent.clear(name);
    await userEvent.type(name, '  Dee  ');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('Profile saved')).toBeInTheDocument();
    expect(patches).toEqual([{ body: { display_name: 'Dee' }, ifMatch: '"user-1-v1"' }]);
    expect(screen.getByLabelText('Display name')).toHaveValue('Dee');
    expect(screen.getByRole('button', { name: 'Save profile' })).toBeDisabled();

    await userEvent.type(screen.getByLabelText('Last name'), '-Smith');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(patches).toHaveLength(2));
    expect(patches[1]).toEqual({ body: { last_name: 'Demo-Smith' }, ifMatch: '"user-1-v2"' });
  });

  it('sends the unticked kinds as email_opt_out', async () => {
    signIn();
    const patches = serveMe({ ...me, email_opt_out: ['digest'] });
    renderWithProviders(page());
    await userEvent.click(await screen.findByRole('checkbox', { name: /Milestone missed/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Daily digest/ }));
    await userEvent.click(screen.getByRole('checkbox', { name: /Role changed/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save email preferences' }));
    expect(await screen.findByText('Email preferences saved')).toBeInTheDocument();
    expect(patches).toEqual([{ body: { email_opt_out: ['member_role_changed', 'milestone_missed'] }, ifMatch: '"user-1-v1"' }]);
  });

  it('puts a server field error on its field', async () => {
    signIn();
    serveMe(me, () => fieldError('validation_error', { email: ['This email is already in use.'] }));
    renderWithProviders(page());
    const email = await screen.findByLabelText('Email');
    await userEvent.clear(email);
    await userEvent.type(email, 'sam@pulse.example');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('This email is already in use.')).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('This email is already in use.');
    expect(screen.getByLabelText('Display name')).toHaveAttribute('aria-invalid', 'false');
  });

  it('says so on a stale ETag and saves with the current one next time', async () => {
    signIn();
    const newer = { ...me, first_name: 'Danielle', version: 5, etag: '"user-1-v5"' };
    let first = true;
    const patches = serveMe(me, () => {
      if (!first) return undefined;
      first = false;
      return HttpResponse.json({ error: { code: 'precondition_failed', message: 'Stale.', details: { current: newer, etag: newer.etag } } }, { status: 412 });
    });
    renderWithProviders(page());
    await userEvent.type(await screen.findByLabelText('Display name'), '!');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await within(form('Profile details')).findByRole('alert')).toHaveTextContent('Your profile changed somewhere else');
    // What was typed stays; what changed on the server and was not touched here comes in.
    expect(screen.getByLabelText('Display name')).toHaveValue('Dana Demo!');
    await waitFor(() => expect(screen.getByLabelText('First name')).toHaveValue('Danielle'));
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(patches).toHaveLength(2));
    expect(patches[1]?.ifMatch).toBe('"user-1-v5"');
  });

  it('refuses a mismatched confirmation without calling the API', async () => {
    signIn();
    const patches = serveMe();
    renderWithProviders(page());
    await userEvent.type(await screen.findByLabelText('Current password'), 'old-secret-1');
    await userEvent.type(screen.getByLabelText('New password'), 'brand-new-pass');
    await userEvent.type(screen.getByLabelText('Confirm new password'), 'brand-new-typo');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The passwords do not match.')).toBeInTheDocument();
    expect(screen.getByLabelText('Confirm new password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('New password')).toHaveAttribute('aria-invalid', 'false');
    expect(patches).toHaveLength(0);
  });

  it('shows a wrong current password on that field', async () => {
    signIn();
    serveMe(me, () => fieldError('validation_error', { current_password: ['The current password is not correct.'] }));
    renderWithProviders(page());
    await userEvent.type(await screen.findByLabelText('Current password'), 'wrong-one');
    await userEvent.type(screen.getByLabelText('New password'), 'brand-new-pass');
    await userEvent.type(screen.getByLabelText('Confirm new password'), 'brand-new-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    const current = screen.getByLabelText('Current password');
    await waitFor(() => expect(current).toHaveAccessibleDescription('The current password is not correct.'));
    expect(current).toHaveAttribute('aria-invalid', 'true');
  });

  it('changes the password and signs in again with it (the old tokens are revoked)', async () => {
    signIn();
    const patches = serveMe();
    let login: unknown;
    server.use(
      http.post('/api/v1/auth/token/', async ({ request }) => {
        login = await request.json();
        return HttpResponse.json({ access: fakeJwt(300), refresh: 'after-password-change' });
      }),
    );
    renderWithProviders(page());
    await userEvent.type(await screen.findByLabelText('Current password'), 'old-secret-1');
    await userEvent.type(screen.getByLabelText('New password'), 'brand-new-pass');
    await userEvent.type(screen.getByLabelText('Confirm new password'), 'brand-new-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText(/Password changed\. Your other sessions were signed out\./)).toBeInTheDocument();
    expect(patches).toEqual([{ body: { current_password: 'old-secret-1', new_password: 'brand-new-pass' }, ifMatch: '"user-1-v1"' }]);
    expect(login).toEqual({ username: 'dana', password: 'brand-new-pass' });
    expect(getTokens()?.refresh).toBe('after-password-change');
    expect(screen.getByLabelText('Current password')).toHaveValue('');
    expect(screen.getByLabelText('Confirm new password')).toHaveValue('');
  });

  it('ends the session gracefully when signing in again fails', async () => {
    signIn();
    serveMe();
    server.use(
      http.post('/api/v1/auth/token/', () =>
        HttpResponse.json({ error: { code: 'throttled', message: 'Too many.', details: {} } }, { status: 429, headers: { 'Retry-After': '30' } }),
      ),
    );
    renderWithProviders(page());
    await userEvent.type(await screen.findByLabelText('Current password'), 'old-secret-1');
    await userEvent.type(screen.getByLabelText('New password'), 'brand-new-pass');
    await userEvent.type(screen.getByLabelText('Confirm new password'), 'brand-new-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed. Sign in again with your new password.')).toBeInTheDocument();
    expect(getTokens()).toBeNull();
  });

  it('shows the error state with a retry', async () => {
    signIn();
    server.use(http.get('/api/v1/auth/me/', () => HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 })));
    renderWithProviders(page());
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent('Database unavailable.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
