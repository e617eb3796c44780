export function DashboardPage() {
  return <h1 className="text-lg font-semibold">Dashboard</h1>;
}
