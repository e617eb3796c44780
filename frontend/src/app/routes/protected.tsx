import { useEffect, useRef } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';

import { useSignedIn } from '@/features/auth';
import { subscribe } from '@/lib/auth-session';

import { AppShell } from '../layout/app-shell';

/** Everything but /login: signed-in users only; a session that ends (any tab) returns to /login. */
export function Component() {
  const signedIn = useSignedIn();
  const location = useLocation();
  const navigate = useNavigate();
  const here = useRef(location);
  useEffect(() => {
    here.current = location;
  });
  useEffect(
    () =>
      subscribe((tokens, reason) => {
        if (tokens) return;
        const { pathname, search, hash } = here.current;
        navigate('/login', { replace: true, state: { from: pathname + search + hash, expired: reason === 'expired' } });
      }),
    [navigate],
  );
  if (!signedIn) return <Navigate to="/login" replace state={{ from: location.pathname + location.search + location.hash }} />;
  return <AppShell />;
}
