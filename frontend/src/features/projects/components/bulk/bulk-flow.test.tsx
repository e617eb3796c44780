import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { makeProject, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import { useLiveStore } from '@/stores/live-store';

import type { BulkOperation, BulkRequest, ReportEntry } from '../../api/bulk-types';
import { ProjectsPage } from '../projects-page';
import { useBulkSession } from './bulk-session';

const projects = [1, 2, 3, 4].map((id) => makeProject({ id, title: ['Aurora', 'Beacon', 'Cobalt', 'Delta'][id - 1] }));
const etag = (id: number, v = 3) => `"project-${id}-v${v}"`;

type Posted = { body: BulkRequest & { dry_run?: boolean }; key: string | null };

function serveList(count = 4) {
  const lists: URL[] = [];
  server.use(
    http.get('/api/v1/projects/', ({ request }) => {
      lists.push(new URL(request.url));
      return HttpResponse.json({ count, next: null, previous: null, results: projects });
    }),
    http.get('/api/v1/projects/:id/', ({ params }) => {
      const p = projects.find((x) => x.id === Number(params.id));
      return p ? HttpResponse.json(p) : HttpResponse.json({ error: { code: 'not_found', message: 'Not found.', details: {} } }, { status: 404 });
    }),
  );
  return lists;
}

function op(id: number, request: BulkRequest, overrides: Partial<BulkOperation> = {}): BulkOperation {
  return { id, action: request.action, params: request.params, status: 'queued', total: request.items.length, processed: 0, phase: null, report: [], summary: {}, undo: null, ...overrides };
}

/** The bulk endpoint: dry runs answer from `preview`, real runs queue `ops` in order. */
function serveBulk({ preview, ops, hold = false }: { preview?: (body: BulkRequest) => ReportEntry[]; ops: ((body: BulkRequest, id: number) => BulkOperation)[]; hold?: boolean }) {
  const posted: Posted[] = [];
  const running = new Map<number, BulkOperation>();
  const byId = new Map<number, BulkOperation>();
  let next = 0;
  server.use(
    http.post('/api/v1/bulk-operations/', async ({ request }) => {
      const body = (await request.json()) as Posted['body'];
      posted.push({ body, key: request.headers.get('Idempotency-Key') });
      if (body.dry_run) {
        const report = preview?.(body) ?? body.items.map((i) => ({ id: i.id, result: 'ok' as const, changes: { status: ['active', 'on_hold'] as [string, string] } }));
        const results: Record<string, number> = {};
        for (const e of report) results[e.result] = (results[e.result] ?? 0) + 1;
        const ok = report.filter((e) => e.result === 'ok').length;
        return HttpResponse.json({ dry_run: true, action: body.action, params: body.params, total: body.items.length, results, report, fields: ok ? { status: { count: ok } } : {} });
      }
      const id = 100 + next;
      const make = ops[next++];
      if (!make) return HttpResponse.json({ error: { code: 'unexpected', message: 'No run expected.', details: {} } }, { status: 500 });
      const finished = make(body, id);
      byId.set(id, finished);
      // Held: the first run reads as running until the test says it finished.
      if (hold && id === 100) running.set(id, op(id, body, { status: 'running', processed: 1 }));
      return HttpResponse.json(op(id, body), { status: 202 });
    }),
    http.get('/api/v1/bulk-operations/:id/', ({ params }) => HttpResponse.json(running.get(Number(params.id)) ?? byId.get(Number(params.id)))),
  );
  return Object.assign(posted, { release: (id: number) => running.delete(id) });
}

beforeEach(() => {
  signIn();
  useLiveStore.setState({ bulk: {} });
  useBulkSession.setState({ last: null });
});

describe('selection in the project table', () => {
  it('click, shift-click, this page, and Esc', async () => {
    serveList();
    renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select Aurora' }));
    expect(screen.getByTestId('selection-count')).toHaveTextContent('1 selected');
    const user = userEvent.setup();
    await user.keyboard('{Shift>}');
    await user.click(screen.getByRole('checkbox', { name: 'Select Cobalt' }));
    await user.keyboard('{/Shift}');
    expect(screen.getByTestId('selection-count')).toHaveTextContent('3 selected');
    expect(screen.getByRole('checkbox', { name: 'Select Beacon' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Select Delta' })).not.toBeChecked();
    expect((screen.getByRole('checkbox', { name: 'Select this page' }) as HTMLInputElement).indeterminate).toBe(true);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select this page' }));
    expect(screen.getByTestId('selection-count')).toHaveTextContent('4 selected');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('selection-count')).not.toBeInTheDocument();
  });

  it('selects all matching through the API with the filters, says when truncated, and a filter change clears it', async () => {
    serveList(12_000);
    const seen: URL[] = [];
    server.use(
      http.get('/api/v1/projects/selection/', ({ request }) => {
        seen.push(new URL(request.url));
        return HttpResponse.json({ count: 12_000, truncated: true, items: Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, etag: etag(i + 1) })) });
      }),
    );
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects?status=active&page=2' });
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select Aurora' }));
    await userEvent.click(screen.getByRole('button', { name: 'Select all 10,000 matching' }));
    expect(await screen.findByText(/Only the first 10,000 of 12,000 matching projects/)).toBeInTheDocument();
    expect(screen.getByTestId('selection-count')).toHaveTextContent('10,000 selected');
    expect(seen[0]?.searchParams.getAll('status')).toEqual(['active']);
    expect(seen[0]?.searchParams.has('page')).toBe(false);
    // Paging keeps it; a filter change empties it.
    await act(() => router.navigate('/projects?status=active'));
    expect(screen.getByTestId('selection-count')).toHaveTextContent('10,000 selected');
    await userEvent.click(screen.getByRole('button', { name: 'On hold' }));
    expect(screen.queryByTestId('selection-count')).not.toBeInTheDocument();
  });

  it('j / k move the focus, x selects the focused row, e opens its edit form; not while typing', async () => {
    serveList();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects', extraRoutes: [{ path: '/projects/:id/edit', element: <p>Edit form</p> }] });
    await screen.findByRole('checkbox', { name: 'Select Aurora' });
    await userEvent.keyboard('j');
    const row = (title: string) => screen.getByRole('link', { name: title }).closest('tr');
    expect(row('Aurora')).toHaveAttribute('aria-current', 'true');
    expect(screen.getByRole('link', { name: 'Aurora' })).toHaveFocus();
    await userEvent.keyboard('jjk');
    expect(row('Beacon')).toHaveAttribute('aria-current', 'true');
    await userEvent.keyboard('x');
    expect(screen.getByRole('checkbox', { name: 'Select Beacon' })).toBeChecked();
    screen.getByRole('searchbox', { name: 'Search projects' }).focus();
    await userEvent.keyboard('x');
    expect(screen.getByRole('checkbox', { name: 'Select Beacon' })).toBeChecked();
    expect(screen.getByTestId('selection-count')).toHaveTextContent('1 selected');
    await userEvent.click(document.body);
    screen.getByRole('link', { name: 'Beacon' }).focus();
    await userEvent.keyboard('e');
    expect(router.state.location.pathname).toBe('/projects/2/edit');
  });
});

async function openDialog() {
  renderWithProviders(<ProjectsPage />, { path: '/projects' });
  await userEvent.click(await screen.findByRole('checkbox', { name: 'Select this page' }));
  await userEvent.click(screen.getByRole('button', { name: 'Bulk edit…' }));
  return screen.getByRole('dialog');
}

describe('the bulk dialog', () => {
  it('validates, previews, applies with live progress, then undoes, redoes and undoes again', async () => {
    serveList();
    const undoBody: BulkRequest = { action: 'undo', params: { operation_id: 100 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 4) })) };
    // The undo's own undo is the redo; the redo's undo undoes again (each with the ETags it left).
    const redoBody: BulkRequest = { action: 'undo', params: { operation_id: 101 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 5) })) };
    const undoAgainBody: BulkRequest = { action: 'undo', params: { operation_id: 102 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 6) })) };
    const posted = serveBulk({
      ops: [
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, report: body.items.map((i) => ({ id: i.id, result: 'ok' })), undo: undoBody }),
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, undo: redoBody }),
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, undo: undoAgainBody }),
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, undo: null }),
      ],
      hold: true,
    });
    const dialog = await openDialog();
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Action' }), 'set_health_override');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('A reason is required');
    expect(posted).toHaveLength(0);
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Action' }), 'transition');
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Transition' }), 'hold');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    const preview = await within(dialog).findByTestId('bulk-preview');
    expect(preview).toHaveTextContent('4 of 4 projects would change');
    expect(within(preview).getByRole('list', { name: 'Changes per field' })).toHaveTextContent('Status: 4');
    expect(within(preview).getByRole('table', { name: 'Sample of changes' })).toHaveTextContent('AuroraStatus: Active → On hold');
    expect(posted[0]?.body).toMatchObject({ dry_run: true, action: 'transition', params: { name: 'hold' } });
    expect(posted[0]?.body.items).toEqual(projects.map((p) => ({ id: p.id, etag: p.etag })));

    await userEvent.click(within(dialog).getByRole('button', { name: 'Apply to 4 projects' }));
    const bar = await within(dialog).findByRole('progressbar');
    expect(posted[1]?.body.dry_run).toBeUndefined();
    expect(posted[1]?.key).toMatch(/.+/);
    act(() => useLiveStore.getState().bulkProgress({ operationId: 100, phase: 'applying', processed: 2, total: 4 }));
    expect(bar).toHaveAttribute('aria-valuenow', '2');
    posted.release(100);
    act(() => useLiveStore.getState().bulkProgress({ operationId: 100, phase: 'succeeded', processed: 4, total: 4 }));
    expect(await within(dialog).findByText('Done: 4 projects changed.')).toBeInTheDocument();
    expect(useBulkSession.getState().last?.undo).toEqual(undoBody);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Undo' }));
    expect(await within(dialog).findByText(/Undone: 4 projects are back/, {}, { timeout: 4000 })).toBeInTheDocument();
    expect(posted[2]?.body).toEqual(undoBody);
    expect(posted[2]?.key).not.toBe(posted[1]?.key);
    // The undo's own undo is offered as Redo, in the report and from the bar after closing.
    expect(useBulkSession.getState().last).toMatchObject({ operationId: 101, undo: redoBody, mode: 'redo' });
    expect(within(dialog).queryByRole('button', { name: 'Undo' })).not.toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Redo' }));
    expect(await within(dialog).findByText('Redone: 4 projects changed again.', {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'Redo the bulk edit' })).toBe(dialog);
    expect(posted[3]?.body).toEqual(redoBody);
    expect(new Set(posted.map((p) => p.key)).size).toBe(posted.length);
    // The redone edit is the session's last one again, under its own name, undoable from the bar too.
    expect(useBulkSession.getState().last).toMatchObject({ operationId: 102, label: 'Change status (transition)', undo: undoAgainBody });

    await userEvent.click(within(dialog).getByRole('button', { name: 'Undo' }));
    expect(await within(dialog).findByText(/Undone: 4 projects are back/, {}, { timeout: 4000 })).toBeInTheDocument();
    expect(posted[4]?.body).toEqual(undoAgainBody);
    expect(within(dialog).queryByRole('button', { name: 'Redo' })).not.toBeInTheDocument(); // this undo offered none
  });

  it('the bar offers Undo after a bulk edit, Redo after its undo, then Undo again', async () => {
    serveList();
    const undoBody: BulkRequest = { action: 'undo', params: { operation_id: 100 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 4) })) };
    const redoBody: BulkRequest = { action: 'undo', params: { operation_id: 101 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 5) })) };
    const undoAgainBody: BulkRequest = { action: 'undo', params: { operation_id: 102 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 6) })) };
    const posted = serveBulk({
      ops: [
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, undo: undoBody }),
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, undo: redoBody }),
        (body, id) => op(id, body, { status: 'succeeded', processed: 4, summary: { changed: 4 }, undo: undoAgainBody }),
      ],
    });
    const offer = () => screen.findByText(/^Last bulk edit/);
    const closeDialog = async (text: RegExp) => {
      const dialog = screen.getByRole('dialog');
      expect(await within(dialog).findByText(text, {}, { timeout: 5000 })).toBeInTheDocument();
      await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    };
    const dialog = await openDialog();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Apply to 4 projects' }));
    await closeDialog(/^Done: 4 projects changed/);

    expect(await offer()).toHaveTextContent('Last bulk edit: change status (transition) on 4 projects.');
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('dialog', { name: 'Undo the bulk edit' })).toBeInTheDocument();
    await closeDialog(/^Undone: 4 projects/);
    expect(posted.at(-1)?.body).toEqual(undoBody);

    expect(await offer()).toHaveTextContent('Last bulk edit undone: change status (transition) on 4 projects.');
    expect(screen.queryByRole('button', { name: 'Undo' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Redo' }));
    expect(await screen.findByRole('dialog', { name: 'Redo the bulk edit' })).toBeInTheDocument();
    await closeDialog(/^Redone: 4 projects changed again/);
    expect(posted.at(-1)?.body).toEqual(redoBody);

    expect(await offer()).toHaveTextContent('Last bulk edit: change status (transition) on 4 projects.');
    expect(useBulkSession.getState().last).toMatchObject({ undo: undoAgainBody, mode: 'undo' });
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss the undo offer' }));
    expect(screen.queryByText(/^Last bulk edit/)).not.toBeInTheDocument();
  });

  it('a failed run reports per item, who changed what, and retries with the fresh versions', async () => {
    serveList();
    const posted = serveBulk({
      ops: [
        (body, id) =>
          op(id, body, {
            status: 'failed',
            processed: 4,
            summary: { changed: 0, results: { ok: 2, conflict: 1, forbidden: 1 } },
            report: [
              { id: 1, result: 'ok' },
              { id: 2, result: 'conflict', etag: etag(2, 5), changed_by: { id: 9, name: 'Tess Teammate' }, changed_fields: ['due_date', 'status'] },
              { id: 3, result: 'forbidden', message: 'You may not change this project.' },
              { id: 4, result: 'ok' },
            ],
          }),
        (body, id) => op(id, body, { status: 'succeeded', processed: 3, summary: { changed: 3 } }),
      ],
    });
    const dialog = await openDialog();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Apply to 4 projects' }));
    // No live event: the operation is polled.
    const report = await within(dialog).findByTestId('bulk-report', {}, { timeout: 5000 });
    expect(report).toHaveTextContent('Nothing changed: 2 of 4 projects could not be changed.');
    expect(within(report).getByRole('region', { name: 'Changed by someone since you read them' })).toHaveTextContent('BeaconTess Teammate changed due date, status');
    expect(within(report).getByRole('region', { name: 'Not yours to change' })).toHaveTextContent('CobaltYou may not change this project.');
    expect(report).toHaveTextContent('3 projects; 1 that cannot change are left out.');
    await userEvent.click(within(report).getByRole('button', { name: 'Retry with the fresh versions' }));
    expect(await within(dialog).findByText('Done: 3 projects changed.', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(posted.at(-1)?.body.items).toEqual([
      { id: 1, etag: etag(1) },
      { id: 2, etag: etag(2, 5) },
      { id: 4, etag: etag(4) },
    ]);
  });

  it('an undo someone got in the way of says so and undoes the rest', async () => {
    serveList();
    const undoBody: BulkRequest = { action: 'undo', params: { operation_id: 100 }, items: projects.map((p) => ({ id: p.id, etag: etag(p.id, 4) })) };
    const posted = serveBulk({
      ops: [
        (body, id) => op(id, body, { status: 'succeeded', summary: { changed: 4 }, undo: undoBody }),
        (body, id) =>
          op(id, body, {
            status: 'failed',
            report: [{ id: 3, result: 'conflict', etag: etag(3, 6), changed_by: { id: 9, name: 'Tess Teammate' }, changed_fields: ['status'] }],
          }),
        (body, id) => op(id, body, { status: 'succeeded', summary: { changed: 3 } }),
      ],
    });
    const dialog = await openDialog();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Apply to 4 projects' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Undo' }, { timeout: 5000 }));
    const report = await within(dialog).findByText(/1 projects could not be undone because someone changed them since/, {}, { timeout: 5000 });
    expect(report).toBeInTheDocument();
    expect(within(dialog).getByText('Tess Teammate changed status')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Undo the rest (3)' }));
    expect(await within(dialog).findByText(/Undone: 3 projects/, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(posted.at(-1)?.body.items.map((i) => i.id)).toEqual([1, 2, 4]);
  });

  it('the preview shows the problems and applies only to what can change', async () => {
    serveList();
    const posted = serveBulk({
      preview: (body) => body.items.map((i) => (i.id === 4 ? { id: 4, result: 'not_found' as const } : { id: i.id, result: 'ok' as const, changes: { status: ['active', 'on_hold'] } })),
      ops: [],
    });
    const dialog = await openDialog();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    const preview = await within(dialog).findByTestId('bulk-preview');
    expect(preview).toHaveTextContent('3 of 4 projects would change; 1 cannot, see below.');
    expect(within(preview).getByRole('region', { name: 'Gone or not visible to you' })).toHaveTextContent('Delta');
    expect(within(dialog).getByRole('button', { name: 'Apply to 3 projects' })).toBeEnabled();
    expect(posted).toHaveLength(1);
  });
});
