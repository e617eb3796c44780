import { Link } from 'react-router';

export function Component() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 py-20 text-center">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="text-sm text-fg-muted">Nothing lives at this address. It may have moved, or you may not have access.</p>
      <Link to="/" className="text-sm font-medium text-accent hover:underline">
        Back to the dashboard
      </Link>
    </div>
  );
}
