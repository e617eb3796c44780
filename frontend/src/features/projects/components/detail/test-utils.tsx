// Test helper: the detail page at /projects/:projectId and a stub list page, with one toast region beside
// the router as in the app (a region inside a route would be swapped out by a navigation, toasts and all).
import { useParams } from 'react-router';

import { ToastRegion } from '@/components/ui/toast-region';
import { useToastStore } from '@/stores/toast-store';
import { renderWithProviders } from '@/testing/render';

import { ProjectDetailPage } from '../project-detail-page';

function DetailRoute() {
  const { projectId } = useParams();
  return <ProjectDetailPage key={projectId} projectId={Number(projectId)} />;
}

export function renderDetail(id = 1) {
  useToastStore.setState({ toasts: [] });
  return renderWithProviders(<DetailRoute />, {
    path: `/projects/${id}`,
    routePath: '/projects/:projectId',
    extraRoutes: [
      {
        path: '/projects',
        element: <h1>All projects</h1>,
      },
    ],
    beside: <ToastRegion />,
  });
}
