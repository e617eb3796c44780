export { authKeys, meQueryOptions, useLogout, useMe } from './api/auth';
export { LoginForm } from './components/login-form';
export { useSignedIn } from './hooks/use-session';
