export { dashboardKeys } from './api/keys';
export { DashboardPage } from './components/dashboard-page';
