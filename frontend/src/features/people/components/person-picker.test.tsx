import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { User } from '@/types/models';

import { PersonPicker, type Person } from './person-picker';

const colleagues: User[] = [
  { id: 2, name: 'Alice Archer', email: 'alice@pulse.example', username: 'alice' },
  { id: 3, name: 'Alan Turing', email: 'alan@pulse.example', username: 'alan' },
  { id: 4, name: 'Bob Builder', email: 'bob@pulse.example', username: 'bob' },
];
// Shares no project with the caller: found only by the exact email.
const outsider: User = { id: 9, name: 'Olga Outside', email: 'olga@elsewhere.example', username: 'olga' };

/** The /users/ contract: colleagues by partial name or email, anyone by exact email. */
function serveUsers({ fail = false } = {}) {
  const queries: string[] = [];
  server.use(
    http.get('/api/v1/users/', ({ request }) => {
      const q = new URL(request.url).searchParams.get('q') ?? '';
      queries.push(q);
      if (fail) return HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 });
      const word = q.toLowerCase();
      const results = [
        ...colleagues.filter((u) => u.name.toLowerCase().includes(word) || u.email.includes(word)),
        ...(word === outsider.email ? [outsider] : []),
      ];
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
  );
  return queries;
}

function Harness({ initial = null, exclude, onPick = () => {}, onSubmit = () => {} }: { initial?: Person | null; exclude?: number[]; onPick?: (p: Person | null) => void; onSubmit?: () => void }) {
  const [value, setValue] = useState<Person | null>(initial);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <PersonPicker
        label="Owner"
        value={value}
        exclude={exclude}
        onChange={(p) => {
          setValue(p);
          onPick(p);
        }}
      />
      <p data-testid="chosen">{value ? `${value.id}:${value.name}` : 'nobody'}</p>
    </form>
  );
}

const combobox = () => screen.getByRole('combobox', { name: 'Owner' });
const status = () => screen.getByRole('status');

describe('PersonPicker', () => {
  it('sends at most the 100 characters the API takes, whatever is pasted', async () => {
    signIn();
    const queries = serveUsers();
    renderWithProviders(<Harness />);
    await userEvent.click(combobox());
    await userEvent.paste('x'.repeat(150));
    await waitFor(() => expect(queries.at(-1)).toBe('x'.repeat(100)));
    expect(queries.every((q) => q.length <= 100)).toBe(true);
  });

  it('searches as you type, once the typing pauses, and lists name and email', async () => {
    signIn();
    const queries = serveUsers();
    renderWithProviders(<Harness />);
    await userEvent.type(combobox(), 'ali');
    await waitFor(() => expect(status()).toHaveTextContent('1 person found'));
    expect(screen.getByRole('option', { name: /Alice Archer/ })).toHaveTextContent('alice@pulse.example');
    expect(screen.queryByRole('option', { name: /Bob Builder/ })).not.toBeInTheDocument();
    expect(combobox()).toHaveAttribute('aria-expanded', 'true');
    // Suggestions on open, then one search for the whole word, none for "a" or "al".
    expect(queries).toEqual(['', 'ali']);
  });

  it('is driven by the keyboard: arrows move, Enter picks, Esc closes and then clears', async () => {
    signIn();
    serveUsers();
    const onPick = vi.fn();
    const onSubmit = vi.fn();
    renderWithProviders(<Harness onPick={onPick} onSubmit={onSubmit} />);
    await userEvent.type(combobox(), 'al');
    await screen.findByRole('option', { name: /Alan Turing/ });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    const [alice, alan] = screen.getAllByRole('option') as [HTMLElement, HTMLElement];
    expect(alice).toHaveAttribute('aria-selected', 'true');
    expect(combobox()).toHaveAttribute('aria-activedescendant', alice.id);
    await userEvent.keyboard('{ArrowDown}');
    expect(alan).toHaveAttribute('aria-selected', 'true');
    expect(combobox()).toHaveAttribute('aria-activedescendant', alan.id);
    await userEvent.keyboard('{ArrowDown}'); // wraps
    expect(alice).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{ArrowUp}{Enter}');
    expect(onPick).toHaveBeenLastCalledWith({ id: 3, name: 'Alan Turing', email: 'alan@pulse.example' });
    expect(onSubmit).not.toHaveBeenCalled();
    expect(combobox()).toHaveValue('Alan Turing');
    expect(combobox()).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByText('alan@pulse.example')).toBeInTheDocument(); // the pick's email under the field

    await userEvent.keyboard('{ArrowDown}');
    expect(combobox()).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{Escape}');
    expect(combobox()).toHaveAttribute('aria-expanded', 'false');
    expect(combobox()).toHaveValue('Alan Turing');
    await userEvent.keyboard('{Escape}');
    expect(combobox()).toHaveValue('');
    expect(screen.getByTestId('chosen')).toHaveTextContent('nobody');
    expect(onPick).toHaveBeenLastCalledWith(null);
  });

  it('picks with the mouse and clears with the clear button', async () => {
    signIn();
    serveUsers();
    renderWithProviders(<Harness initial={{ id: 4, name: 'Bob Builder', email: 'bob@pulse.example' }} />);
    expect(combobox()).toHaveValue('Bob Builder');
    await userEvent.clear(combobox());
    await userEvent.type(combobox(), 'alice');
    await userEvent.click(await screen.findByRole('option', { name: /Alice Archer/ }));
    expect(screen.getByTestId('chosen')).toHaveTextContent('2:Alice Archer');
    await userEvent.click(screen.getByRole('button', { name: 'Clear Owner' }));
    expect(screen.getByTestId('chosen')).toHaveTextContent('nobody');
    expect(combobox()).toHaveValue('');
    expect(combobox()).toHaveFocus();
  });

  it('says when no one matches, and how to find someone new', async () => {
    signIn();
    serveUsers();
    renderWithProviders(<Harness />);
    expect(screen.getByText(/type their full email address/)).toBeInTheDocument();
    await userEvent.type(combobox(), 'zed');
    await waitFor(() => expect(status()).toHaveTextContent('No one matches “zed”. To add someone new, type their full email address.'));
    expect(screen.queryByRole('option')).not.toBeInTheDocument();
    await userEvent.clear(combobox());
    await userEvent.type(combobox(), 'nobody@nowhere.example');
    await waitFor(() => expect(status()).toHaveTextContent('No Pulse account uses nobody@nowhere.example.'));
  });

  it('finds someone new by their exact email', async () => {
    signIn();
    serveUsers();
    renderWithProviders(<Harness />);
    await userEvent.type(combobox(), 'olga@elsewhere');
    await waitFor(() => expect(status()).toHaveTextContent(/No one matches “olga@elsewhere”/));
    await userEvent.type(combobox(), '.example');
    await userEvent.click(await screen.findByRole('option', { name: /Olga Outside/ }));
    expect(screen.getByTestId('chosen')).toHaveTextContent('9:Olga Outside');
  });

  it('leaves out excluded people', async () => {
    signIn();
    serveUsers();
    renderWithProviders(<Harness exclude={[2]} />);
    await userEvent.type(combobox(), 'al');
    expect(await screen.findByRole('option', { name: /Alan Turing/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /Alice Archer/ })).not.toBeInTheDocument();
  });

  it('keeps the pick when you leave with an unpicked search, and clears it when you leave the field empty', async () => {
    signIn();
    serveUsers();
    const onPick = vi.fn();
    renderWithProviders(
      <>
        <Harness initial={{ id: 4, name: 'Bob Builder', email: 'bob@pulse.example' }} onPick={onPick} />
        <button type="button">Elsewhere</button>
      </>,
    );
    await userEvent.type(combobox(), 'xyz');
    await userEvent.click(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(combobox()).toHaveValue('Bob Builder');
    expect(screen.getByTestId('chosen')).toHaveTextContent('4:Bob Builder');
    expect(onPick).not.toHaveBeenCalled();
    await userEvent.clear(combobox());
    await userEvent.click(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(screen.getByTestId('chosen')).toHaveTextContent('nobody');
    expect(onPick).toHaveBeenCalledWith(null);
  });

  it('shows a failed search in the list', async () => {
    signIn();
    serveUsers({ fail: true });
    renderWithProviders(<Harness />);
    await userEvent.type(combobox(), 'al');
    await waitFor(() => expect(status()).toHaveTextContent('Could not search people. Database unavailable.'));
  });
});
