export { TrashPage } from './components/trash-page';
