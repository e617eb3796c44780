export function ProjectDetailPage({ projectId }: { projectId: number }) {
  return <h1 className="text-lg font-semibold">Project {projectId}</h1>;
}
