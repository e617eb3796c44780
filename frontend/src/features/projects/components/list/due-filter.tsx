import { useId, useState } from 'react';

import { controlClass } from '@/components/ui/field';
import { cn } from '@/lib/cn';

import { isIsoDay } from '../../hooks/use-project-filters';

type Due = { due_after?: string; due_before?: string };

/**
 * A date as a filter. Browsers report a date input's value while its year is still being typed
 * (0002, 0020, 0202, 2026); only a cleared field or a plausible year applies at once, anything
 * else when focus leaves the field.
 */
function DayInput({ label, value, min, max, onCommit }: { label: string; value?: string; min?: string; max?: string; onCommit: (v?: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value ?? '');
  // The URL changed under the field (back/forward, a removed chip): show it, keeping focus.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value ?? '');
  }
  const commit = (next: string) => {
    if (next === '') return next !== (value ?? '') && onCommit(undefined);
    if (isIsoDay(next) && next !== value) onCommit(next);
  };
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-fg-muted">
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={text}
        min={min}
        max={max}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next === '' || Number(next.slice(0, 4)) >= 1900) commit(next);
        }}
        onBlur={() => {
          if (text === '' || isIsoDay(text)) commit(text);
          else setText(value ?? '');
        }}
        className={cn(controlClass, 'h-8 w-full py-1 sm:w-40')}
      />
    </div>
  );
}

export function DueFilter({ after, before, onChange }: { after?: string; before?: string; onChange: (due: Due) => void }) {
  return (
    <>
      <DayInput label="Due from" value={after} max={before} onCommit={(v) => onChange({ due_after: v })} />
      <DayInput label="Due by" value={before} min={after} onCommit={(v) => onChange({ due_before: v })} />
    </>
  );
}
