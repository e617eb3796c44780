export { ProjectCreatePage as Component } from '@/features/projects';
