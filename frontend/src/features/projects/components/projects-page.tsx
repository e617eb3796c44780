export function ProjectsPage() {
  return <h1 className="text-lg font-semibold">Projects</h1>;
}
