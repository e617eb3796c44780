export function ProjectCreatePage() {
  return <h1 className="text-lg font-semibold">New project</h1>;
}
export function ProjectEditPage({ projectId }: { projectId: number }) {
  return <h1 className="text-lg font-semibold">Edit project {projectId}</h1>;
}
