import { useId, type ReactNode } from 'react';

/**
 * A titled surface: the unit the dashboard and the project page are laid out in. The title names
 * the section (a landmark region); `actions` sit at the title's end.
 */
export function Panel({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="rounded-lg border border-line bg-surface p-4">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={titleId} className="text-sm font-medium">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
