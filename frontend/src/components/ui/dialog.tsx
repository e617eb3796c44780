import { useEffect, useId, useRef, type ReactNode } from 'react';

import { cn } from '@/lib/cn';

type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  className?: string;
  /** The title is still the dialog's accessible name, but only screen readers get it (the palette). */
  titleHidden?: boolean;
  /** Replaces the padded column the content sits in. */
  bodyClassName?: string;
  /** Replaces the default width (classes of one property never override each other reliably). */
  widthClassName?: string;
};

/**
 * A modal on the native <dialog>: the browser traps focus, makes the rest inert and closes on Esc;
 * focus returns to whatever opened it.
 */
export function Dialog({ open, onClose, title, description, children, footer, className, titleHidden = false, bodyClassName, widthClassName }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null;
      dialog.showModal();
      // React never writes the `autofocus` attribute, so a field meant to take the focus says so itself.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
      return () => opener?.focus?.();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={cn(
        'm-auto rounded-xl border border-line bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40 dark:backdrop:bg-black/70',
        widthClassName ?? 'w-[min(32rem,calc(100vw-2rem))]',
        className,
      )}
    >
      {open && (
        <div className={bodyClassName ?? 'flex flex-col gap-4 p-5'}>
          <div className={titleHidden ? 'sr-only' : undefined}>
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            {description && (
              <div id={descId} className="mt-1 text-sm text-fg-muted">
                {description}
              </div>
            )}
          </div>
          {children}
          {footer && <div className="flex justify-end gap-2">{footer}</div>}
        </div>
      )}
    </dialog>
  );
}
