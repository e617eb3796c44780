import { useParams } from 'react-router';

import { ProjectDetailPage } from '@/features/projects';

export function Component() {
  const { projectId } = useParams();
  return <ProjectDetailPage key={projectId} projectId={Number(projectId)} />;
}
