export { TrashPage as Component } from '@/features/trash';
