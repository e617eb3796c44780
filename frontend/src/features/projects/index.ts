export { projectKeys, type ProjectListParams } from './api/keys';
export { ProjectsPage } from './components/projects-page';
export { ProjectDetailPage } from './components/project-detail-page';
export { ProjectCreatePage, ProjectEditPage } from './components/project-form-page';
