import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';
import { useLiveFlash } from '@/stores/live-store';

/**
 * Wraps a value that live updates may change: when someone else changes it, it is tinted for a
 * moment (fading; a still tint with reduced motion). `keys` are live-store flash keys, e.g.
 * `project:12:title`; any of them flashes it.
 */
export function LiveFlash({ keys, children, className }: { keys: string[]; children: ReactNode; className?: string }) {
  const a = useLiveFlash(keys[0] ?? '');
  const b = useLiveFlash(keys[1] ?? '');
  return <span className={cn('inline-block', className, a || b)} data-live-flash={a || b ? '' : undefined}>{children}</span>;
}
