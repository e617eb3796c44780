/** Setting things up through the REST API, as the signed-in user of the test. */
import { expect, type APIRequestContext } from '@playwright/test';

type Page<T> = { count: number; results: T[] };
type ProjectRow = { id: number; title: string };

export async function projectId(api: APIRequestContext, title: string): Promise<number> {
  const response = await api.get('/api/v1/projects/', { params: { q: title, page_size: 100 } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as Page<ProjectRow>;
  const found = body.results.find((p) => p.title === title);
  if (!found) throw new Error(`no visible project titled ${title}`);
  return found.id;
}

/** Soft-deletes a project with the conditional request the API requires (If-Match its ETag). */
export async function deleteProject(api: APIRequestContext, id: number): Promise<void> {
  const current = await api.get(`/api/v1/projects/${id}/`);
  expect(current.status()).toBe(200);
  const etag = current.headers()['etag'];
  expect(etag).toBeTruthy();
  const deleted = await api.delete(`/api/v1/projects/${id}/`, { headers: { 'If-Match': etag ?? '' } });
  expect(deleted.status()).toBe(204);
}

export async function trashedProjectId(api: APIRequestContext, title: string): Promise<number> {
  const response = await api.get('/api/v1/projects/trash/');
  expect(response.status()).toBe(200);
  const found = ((await response.json()) as Page<ProjectRow>).results.find((p) => p.title === title);
  if (!found) throw new Error(`no project titled ${title} in the trash`);
  return found.id;
}
