import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

import { Button } from '@/components/ui/button';
import { errorMessage } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import type { Tag } from '@/types/models';

import { useAllTags } from '../../api/get-all-tags';

type Props = { value: number[] | undefined; onChange: (tags: number[] | undefined) => void };

function Swatch({ colour }: { colour: string }) {
  return <span aria-hidden className="size-2.5 shrink-0 rounded-full border border-line" style={{ backgroundColor: colour }} />;
}

/**
 * Tags as chips plus a multi-select combobox over every tag (ARIA 1.2 combobox with a
 * multi-selectable listbox). Enter toggles the highlighted tag and keeps the list open for the
 * next; Backspace in the empty field or Delete/Backspace on a chip removes a tag; arrows move
 * between the chips and the field.
 */
export function TagFilter({ value, onChange }: Props) {
  const selected = value ?? [];
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [touched, setTouched] = useState(false);
  const id = useId();
  const listId = `${id}-list`;
  const inputRef = useRef<HTMLInputElement>(null);
  const chipsRef = useRef<HTMLUListElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const refocusChip = useRef<number | null>(null);

  const tags = useAllTags({ enabled: touched || selected.length > 0 });
  const needle = text.trim().toLowerCase();
  const options: Tag[] = (tags.data?.tags ?? []).filter((t) => t.name.toLowerCase().includes(needle));
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));
  const chosen = selected.map((tagId) => ({ id: tagId, name: tags.data?.byId.get(tagId)?.name, colour: tags.data?.byId.get(tagId)?.colour }));

  const selectedKey = selected.join(',');
  useEffect(() => {
    const index = refocusChip.current;
    if (index === null) return;
    refocusChip.current = null;
    const buttons = chipsRef.current?.querySelectorAll<HTMLButtonElement>('button');
    const next = buttons?.length && index < buttons.length ? buttons[index] : undefined;
    (next ?? inputRef.current)?.focus();
  }, [selectedKey]);

  const set = (next: number[]) => onChange(next.length ? next : undefined);
  const toggle = (tag: Tag) => set(selected.includes(tag.id) ? selected.filter((t) => t !== tag.id) : [...selected, tag.id]);
  const removeAt = (index: number) => {
    refocusChip.current = index;
    set(selected.filter((_, i) => i !== index));
  };
  const show = () => {
    setTouched(true);
    setOpen(true);
  };

  const onInputKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) return show();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive(options.length ? (activeIndex + step + options.length) % options.length : 0);
    } else if (e.key === 'Enter') {
      const tag = open ? options[activeIndex] : undefined;
      if (tag) {
        e.preventDefault();
        toggle(tag);
        setText('');
        setActive(0);
      }
    } else if (e.key === 'Escape') {
      if (open || text) {
        e.preventDefault();
        e.stopPropagation();
      }
      if (open) setOpen(false);
      else setText('');
    } else if (e.key === 'Backspace' && text === '' && selected.length) {
      e.preventDefault();
      removeAt(selected.length - 1);
    } else if (e.key === 'ArrowLeft' && e.currentTarget.selectionStart === 0 && selected.length) {
      e.preventDefault();
      chipsRef.current?.querySelectorAll<HTMLButtonElement>('button')[selected.length - 1]?.focus();
    }
  };

  const onChipKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const buttons = chipsRef.current?.querySelectorAll<HTMLButtonElement>('button');
    if (e.key === 'Backspace' || e.key === 'Delete') {
      e.preventDefault();
      removeAt(index);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      buttons?.[Math.max(0, index - 1)]?.focus();
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      (index + 1 < selected.length ? buttons?.[index + 1] : inputRef.current)?.focus();
    }
  };

  const expanded = open && tags.isSuccess && options.length > 0;
  const status = !open
    ? null
    : tags.isPending
      ? 'Loading tags…'
      : tags.isError
        ? null
        : !tags.data.tags.length
          ? 'No tags yet.'
          : !options.length
            ? `No tag matches “${text.trim()}”.`
            : null;

  return (
    <div
      ref={rootRef}
      className="relative flex w-full flex-col gap-1 sm:w-80"
      onBlur={(e) => {
        if (!rootRef.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <label htmlFor={id} className="text-xs font-medium text-fg-muted">
        Tags
      </label>
      <div className="flex min-h-8 flex-wrap items-center gap-1 rounded-md border border-line bg-surface px-1.5 py-1 focus-within:outline-2 focus-within:outline-accent">
        {chosen.length > 0 && (
          <ul ref={chipsRef} aria-label="Chosen tags" className="contents">
            {chosen.map((t, i) => (
              <li key={t.id} className="inline-flex h-6 items-center gap-1 rounded-full bg-subtle pr-0.5 pl-2 text-xs text-fg">
                {t.colour && <Swatch colour={t.colour} />}
                <span>{t.name ?? '…'}</span>
                <button
                  type="button"
                  aria-label={`Remove tag ${t.name ?? ''}`.trim()}
                  onClick={() => removeAt(i)}
                  onKeyDown={(e) => onChipKey(e, i)}
                  className="inline-flex size-5 items-center justify-center rounded-full text-fg-muted hover:bg-line hover:text-fg"
                >
                  <span aria-hidden>×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          ref={inputRef}
          id={id}
          role="combobox"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={expanded ? `${listId}-${options[activeIndex]?.id}` : undefined}
          aria-describedby={status || tags.isError ? `${id}-status` : undefined}
          autoComplete="off"
          value={text}
          placeholder={selected.length ? '' : 'Any tag'}
          onFocus={() => setTouched(true)}
          onClick={show}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
            show();
          }}
          onKeyDown={onInputKey}
          className="h-6 min-w-16 flex-1 bg-transparent px-1 text-sm placeholder:text-fg-subtle focus:outline-none"
        />
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label="Tags"
        aria-multiselectable="true"
        hidden={!expanded}
        className="absolute top-full z-20 mt-1 max-h-60 w-full overflow-auto rounded-md border border-line bg-surface-raised p-1 shadow-lg"
      >
        {expanded &&
          options.map((tag, i) => {
            const isSelected = selected.includes(tag.id);
            return (
              // Focus stays in the field (aria-activedescendant); the option is picked by pointer or Enter there.
              // eslint-disable-next-line jsx-a11y/click-events-have-key-events
              <li
                key={tag.id}
                id={`${listId}-${tag.id}`}
                role="option"
                aria-selected={isSelected}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => toggle(tag)}
                onMouseEnter={() => setActive(i)}
                className={cn(
                  'flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm',
                  i === activeIndex && 'bg-subtle',
                  isSelected && 'font-medium',
                )}
              >
                <span aria-hidden className={cn('w-3 text-accent', !isSelected && 'invisible')}>
                  ✓
                </span>
                <Swatch colour={tag.colour} />
                <span className="flex-1 truncate">{tag.name}</span>
                <span className="text-xs text-fg-muted">
                  {formatNumber(tag.project_count)}
                  <span className="sr-only"> {tag.project_count === 1 ? 'project' : 'projects'}</span>
                </span>
              </li>
            );
          })}
      </ul>
      <div
        id={`${id}-status`}
        role="status"
        className={cn(
          'text-xs',
          status || (open && tags.isError)
            ? 'absolute top-full z-20 mt-1 w-full rounded-md border border-line bg-surface-raised px-3 py-2 shadow-lg'
            : 'sr-only',
        )}
      >
        {open && tags.isError ? (
          <span className="flex items-center gap-2 text-danger">
            Could not load tags: {errorMessage(tags.error)}
            <Button size="sm" variant="ghost" onClick={() => void tags.refetch()}>
              Try again
            </Button>
          </span>
        ) : (
          <span className="text-fg-muted">{status}</span>
        )}
      </div>
    </div>
  );
}
