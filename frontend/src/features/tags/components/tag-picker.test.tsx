import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import { signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Tag } from '@/types/models';

import { TagPicker, type TagRef } from './tag-picker';

const tag = (id: number, name: string, colour = '#3b82f6'): Tag => ({
  id, name, colour, project_count: id, version: 1, etag: `"tag-${id}-v1"`, created_at: '2026-01-01T00:00:00Z',
});

/** GET /tags/?q= over a list that POST /tags/ grows; records what was asked. */
function serveTags(initial: Tag[] = [tag(1, 'Backend'), tag(2, 'Design'), tag(3, 'Mobile')]) {
  const tags = [...initial];
  const searches: string[] = [];
  const created: unknown[] = [];
  server.use(
    http.get('/api/v1/tags/', ({ request }) => {
      const q = new URL(request.url).searchParams.get('q') ?? '';
      searches.push(q);
      const results = tags.filter((t) => t.name.toLowerCase().includes(q.toLowerCase()));
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
    http.post('/api/v1/tags/', async ({ request }) => {
      const body = (await request.json()) as { name: string };
      created.push(body);
      const made = tag(tags.length + 10, body.name, '#64748b');
      tags.push(made);
      return HttpResponse.json(made, { status: 201, headers: { Location: `/api/v1/tags/${made.id}/`, ETag: made.etag } });
    }),
  );
  return { searches, created };
}

function Harness({ initial = [] }: { initial?: TagRef[] }) {
  const [tags, setTags] = useState<TagRef[]>(initial);
  return (
    <>
      <TagPicker value={tags} onChange={setTags} />
      <output aria-label="Chosen ids">{tags.map((t) => t.id).join(',')}</output>
    </>
  );
}

const combobox = () => screen.getByRole('combobox', { name: 'Tags' });
const chosen = () => screen.getByRole('status', { name: 'Chosen ids' });

describe('TagPicker', () => {
  it('searches as you type and picks an existing tag with the arrows and Enter', async () => {
    signIn();
    const { searches } = serveTags();
    renderWithProviders(<Harness />);
    expect(combobox()).toHaveAttribute('aria-expanded', 'false');
    await userEvent.type(combobox(), 'si');
    const listbox = await screen.findByRole('listbox', { name: 'Tags suggestions' });
    expect(combobox()).toHaveAttribute('aria-expanded', 'true');
    expect(await within(listbox).findByRole('option', { name: /Design/ })).toBeInTheDocument();
    await waitFor(() => expect(searches).toContain('si'));
    expect(within(listbox).queryByRole('option', { name: /Backend/ })).not.toBeInTheDocument();

    // The first match is active as soon as something is typed; "Create" comes last.
    expect(within(listbox).getAllByRole('option').map((o) => o.textContent)).toEqual(['Design2 projects', 'Create tag “si”']);
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(chosen()).toHaveTextContent('2');
    expect(screen.getByRole('list', { name: 'Selected tags' })).toHaveTextContent('Design');
    expect(combobox()).toHaveValue('');
    expect(combobox()).toHaveFocus();

    // A chosen tag is not offered again.
    await userEvent.keyboard('{ArrowDown}');
    const again = await screen.findByRole('listbox');
    await within(again).findByRole('option', { name: /Backend/ });
    expect(within(again).queryByRole('option', { name: /Design/ })).not.toBeInTheDocument();
  });

  it('moves the active option with the arrows, wraps, and closes on Escape', async () => {
    signIn();
    serveTags();
    renderWithProviders(<Harness />);
    await userEvent.click(combobox());
    const listbox = await screen.findByRole('listbox');
    await within(listbox).findByRole('option', { name: /Mobile/ });
    await userEvent.keyboard('{ArrowDown}');
    const options = within(listbox).getAllByRole('option');
    expect(combobox()).toHaveAttribute('aria-activedescendant', options[0]?.id);
    expect(options[0]).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{ArrowUp}');
    expect(combobox()).toHaveAttribute('aria-activedescendant', options[2]?.id);
    await userEvent.keyboard('{ArrowDown}');
    expect(combobox()).toHaveAttribute('aria-activedescendant', options[0]?.id);
    await userEvent.keyboard('{Escape}');
    expect(combobox()).toHaveAttribute('aria-expanded', 'false');
    expect(combobox()).not.toHaveAttribute('aria-activedescendant');
    expect(chosen()).toHaveTextContent('');
  });

  it('creates a tag inline when no tag has the typed name', async () => {
    signIn();
    const { created } = serveTags();
    renderWithProviders(<Harness initial={[{ id: 1, name: 'Backend', colour: '#3b82f6' }]} />);
    await userEvent.type(combobox(), '  Research ');
    const option = await screen.findByRole('option', { name: 'Create tag “Research”' });
    expect(option).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(chosen()).toHaveTextContent('1,13'));
    expect(created).toEqual([{ name: 'Research' }]);
    expect(screen.getByRole('button', { name: 'Remove tag Research' })).toBeInTheDocument();
    expect(screen.getByText('Created tag Research')).toBeInTheDocument();
  });

  it('offers no "Create" for a name that exists in another case, and picks the existing tag', async () => {
    signIn();
    const { created } = serveTags();
    renderWithProviders(<Harness />);
    await userEvent.type(combobox(), 'design');
    const listbox = await screen.findByRole('listbox');
    await within(listbox).findByRole('option', { name: /Design/ });
    expect(within(listbox).queryByRole('option', { name: /Create/ })).not.toBeInTheDocument();
    await userEvent.keyboard('{Enter}');
    expect(chosen()).toHaveTextContent('2');
    expect(created).toEqual([]);
  });

  it("shows the server's refusal of a new tag on the field", async () => {
    signIn();
    serveTags();
    server.use(
      http.post('/api/v1/tags/', () =>
        HttpResponse.json({ error: { code: 'validation_error', message: 'Invalid input.', details: { name: ['This name is reserved.'] } } }, { status: 400 }),
      ),
    );
    renderWithProviders(<Harness />);
    await userEvent.type(combobox(), 'Ops');
    await userEvent.click(await screen.findByRole('option', { name: 'Create tag “Ops”' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This name is reserved.');
    expect(combobox()).toHaveAttribute('aria-invalid', 'true');
    expect(combobox()).toHaveAccessibleDescription('This name is reserved.');
    expect(chosen()).toHaveTextContent('');
  });

  it('uses the tag someone else just created under the same name', async () => {
    signIn();
    let theirs = false; // the other person's tag exists once our POST has lost the race
    server.use(
      http.get('/api/v1/tags/', () => {
        const results = theirs ? [tag(7, 'Ops')] : [];
        return HttpResponse.json({ count: results.length, next: null, previous: null, results });
      }),
      http.post('/api/v1/tags/', () => {
        theirs = true;
        return HttpResponse.json({ error: { code: 'validation_error', message: 'Invalid input.', details: { name: ['A tag with this name already exists.'] } } }, { status: 400 });
      }),
    );
    renderWithProviders(<Harness />);
    await userEvent.type(combobox(), 'Ops');
    await userEvent.click(await screen.findByRole('option', { name: 'Create tag “Ops”' }));
    await waitFor(() => expect(chosen()).toHaveTextContent('7'));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('refuses control characters in a new tag name without asking the server', async () => {
    signIn();
    const { created } = serveTags();
    renderWithProviders(<Harness />);
    await userEvent.click(combobox());
    await userEvent.paste('Ops\u0007');
    await userEvent.click(await screen.findByRole('option', { name: /Create tag/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Remove the control characters');
    expect(created).toEqual([]);
  });

  it('removes chips by keyboard: Backspace in the empty input, Delete on a chip, arrows between them', async () => {
    signIn();
    serveTags();
    const initial = [
      { id: 1, name: 'Backend', colour: '#3b82f6' },
      { id: 2, name: 'Design', colour: '#f59e0b' },
      { id: 3, name: 'Mobile', colour: '#10b981' },
    ];
    renderWithProviders(<Harness initial={initial} />);
    await userEvent.click(combobox());
    await userEvent.keyboard('{Escape}{Backspace}');
    expect(chosen()).toHaveTextContent('1,2');
    expect(screen.getByText('Removed tag Mobile')).toBeInTheDocument();
    expect(combobox()).toHaveFocus();

    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByRole('button', { name: 'Remove tag Design' })).toHaveFocus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByRole('button', { name: 'Remove tag Backend' })).toHaveFocus();
    await userEvent.keyboard('{Delete}');
    expect(chosen()).toHaveTextContent('2');
    // Focus moves on to the next chip, then to the input when none is left.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Remove tag Design' })).toHaveFocus());
    await userEvent.keyboard('{Backspace}');
    expect(chosen()).toHaveTextContent('');
    await waitFor(() => expect(combobox()).toHaveFocus());
    expect(screen.queryByRole('list', { name: 'Selected tags' })).not.toBeInTheDocument();
  });

  it('says when the tags cannot be loaded', async () => {
    signIn();
    server.use(http.get('/api/v1/tags/', () => HttpResponse.json({ error: { code: 'server_error', message: 'The server failed.', details: {} } }, { status: 500 })));
    renderWithProviders(<Harness />);
    await userEvent.click(combobox());
    expect(await screen.findByText('Could not load tags: The server failed.')).toBeInTheDocument();
  });

  it('a half-typed name does not submit the surrounding form on Enter', async () => {
    signIn();
    serveTags([]);
    let submitted = 0;
    renderWithProviders(
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submitted += 1;
        }}
      >
        <Harness />
      </form>,
    );
    await userEvent.type(combobox(), 'x{Escape}{Enter}');
    expect(submitted).toBe(0);
  });
});
