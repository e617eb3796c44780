import { useId, useState } from 'react';

import { controlClass } from '@/components/ui/field';
import { cn } from '@/lib/cn';

type Range = { progress_min?: number; progress_max?: number };

/** "" → no bound; a whole number is clamped to 0–100; anything else is not a bound (undefined → keep the old one). */
function parseBound(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  if (!/^\d{1,3}$/.test(t)) return undefined;
  return Math.min(100, Number(t));
}

type BoundProps = { label: string; name: string; value: number | undefined; onCommit: (v: number | undefined) => void };

function Bound({ label, name, value, onCommit }: BoundProps) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  // The URL changed under the field (back/forward, a removed chip): show it, keeping focus.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value === undefined ? '' : String(value));
  }
  const commit = () => {
    const parsed = parseBound(text);
    if (parsed === undefined) return setText(value === undefined ? '' : String(value));
    const next = parsed ?? undefined;
    setText(next === undefined ? '' : String(next));
    if (next !== value) onCommit(next);
  };
  return (
    <div className="flex items-center gap-1">
      <label htmlFor={id} className="text-xs text-fg-muted">
        {label}
      </label>
      <input
        id={id}
        aria-label={name}
        type="number"
        inputMode="numeric"
        min={0}
        max={100}
        step={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        className={cn(controlClass, 'h-8 w-16 px-2 py-1')}
      />
    </div>
  );
}

/**
 * The progress band the dashboard's chart links to, editable: a bound takes effect on Enter or
 * when focus leaves it, so typing "45" does not load the list for "4" first.
 */
export function ProgressFilter({ min, max, onChange }: { min?: number; max?: number; onChange: (range: Range) => void }) {
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="mb-1 text-xs font-medium text-fg-muted">Progress (%)</legend>
      <div className="flex items-center gap-2">
        <Bound label="From" name="Progress from" value={min} onCommit={(v) => onChange({ progress_min: v, progress_max: max })} />
        <Bound label="to" name="Progress to" value={max} onCommit={(v) => onChange({ progress_min: min, progress_max: v })} />
      </div>
    </fieldset>
  );
}
