export { peopleKeys } from './api/keys';
export { PersonPicker, type Person, type PersonPickerProps } from './components/person-picker';
