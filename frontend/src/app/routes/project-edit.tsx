import { useParams } from 'react-router';

import { ProjectEditPage } from '@/features/projects';

export function Component() {
  const { projectId } = useParams();
  return <ProjectEditPage key={projectId} projectId={Number(projectId)} />;
}
