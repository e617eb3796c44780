import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';

/**
 * Renders UI inside a fresh QueryClient and a memory router at `path`; `beside` renders next to the
 * router, as the app's provider renders the toast region (it outlives every route change).
 */
export function renderWithProviders(
  ui: ReactElement,
  { path = '/', routePath = '*', extraRoutes = [], beside }: { path?: string; routePath?: string; extraRoutes?: RouteObject[]; beside?: ReactNode } = {},
) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
  const router = createMemoryRouter([{ path: routePath, element: ui }, ...extraRoutes], { initialEntries: [path] });
  const utils = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      {beside}
    </QueryClientProvider>,
  );
  return { ...utils, queryClient, router };
}
