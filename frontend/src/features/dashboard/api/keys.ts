/** Query keys of the dashboard; the live layer refetches them when the numbers may have moved. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  summary: () => [...dashboardKeys.all, 'summary'] as const,
};
