export { TagPicker, TAG_NAME_MAX, TAGS_PER_PROJECT_MAX, type TagRef } from './components/tag-picker';
export { tagKeys } from './api/keys';
