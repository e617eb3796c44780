import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Dashboard } from '@/types/models';

import { dashboardKeys } from './keys';

export { dashboardKeys };

export const dashboardQueryOptions = () =>
  queryOptions({
    queryKey: dashboardKeys.summary(),
    queryFn: () => unwrap(api.GET('/api/v1/dashboard/')) as Promise<Dashboard>,
  });

export const useDashboard = () => useQuery(dashboardQueryOptions());
