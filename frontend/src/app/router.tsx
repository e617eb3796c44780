import type { RouteObject } from 'react-router';

import { ErrorState, Spinner } from '@/components/ui/states';

// Shown while the first page's lazy chunk loads (the router hydrates before any route code exists).
const hydrateFallbackElement = (
  <div className="grid min-h-dvh place-items-center">
    <Spinner />
  </div>
);

export const routes: RouteObject[] = [
  { path: '/login', lazy: () => import('./routes/login'), hydrateFallbackElement },
  {
    lazy: () => import('./routes/protected'),
    hydrateFallbackElement,
    errorElement: <ErrorState error={new Error('This page crashed. Reload to try again.')} title="Something went wrong" />,
    // Every page is a lazy chunk: the first page loads only the shell, its own code and what it shares.
    children: [
      { index: true, lazy: () => import('./routes/dashboard') },
      { path: 'projects', lazy: () => import('./routes/projects') },
      { path: 'projects/new', lazy: () => import('./routes/project-new') },
      { path: 'projects/:projectId', lazy: () => import('./routes/project-detail') },
      { path: 'projects/:projectId/edit', lazy: () => import('./routes/project-edit') },
      { path: 'trash', lazy: () => import('./routes/trash') },
      { path: 'notifications', lazy: () => import('./routes/notifications') },
      { path: 'profile', lazy: () => import('./routes/profile') },
      { path: '*', lazy: () => import('./routes/not-found') },
    ],
  },
];
