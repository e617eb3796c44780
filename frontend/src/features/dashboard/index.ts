export { dashboardKeys } from './api/get-dashboard';
export { DashboardPage } from './components/dashboard-page';
