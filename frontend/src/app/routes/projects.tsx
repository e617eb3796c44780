export { ProjectsPage as Component } from '@/features/projects';
