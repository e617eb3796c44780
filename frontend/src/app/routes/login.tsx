import { Navigate, useLocation, useNavigate } from 'react-router';

import { LoginForm, useSignedIn } from '@/features/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

import { ThemeToggle } from '../layout/theme-toggle';

export function Component() {
  useDocumentTitle('Sign in');
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string; expired?: boolean } | null) ?? {};
  const target = from.from && from.from.startsWith('/') && !from.from.startsWith('//') ? from.from : '/';
  if (signedIn) return <Navigate to={target} replace />;
  return (
    <div className="flex min-h-dvh items-center justify-center px-4">
      <main className="w-full max-w-sm rounded-xl border border-line bg-surface p-6 shadow-sm">
        <div className="mb-6 flex items-center justify-between">
          <div className="flex items-center gap-2">
            <img src="/favicon.svg" alt="" className="size-7" />
            <h1 className="text-lg font-semibold">Sign in to Pulse</h1>
          </div>
          <ThemeToggle />
        </div>
        {from.expired && (
          <p role="status" className="mb-4 rounded-md bg-warning/10 px-3 py-2 text-sm">
            Your session ended. Sign in again to continue where you were.
          </p>
        )}
        <LoginForm onSuccess={() => navigate(target, { replace: true })} />
      </main>
    </div>
  );
}
