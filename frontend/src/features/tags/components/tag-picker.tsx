import { parseHexColour, readableTextColour } from '@pulse-ui/project-card';
import { useQueryClient } from '@tanstack/react-query';
import { forwardRef, useCallback, useEffect, useId, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';

import { Field } from '@/components/ui/field';
import { errorMessage, isApiError } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import type { Tag } from '@/types/models';

import { useCreateTag } from '../api/create-tag';
import { tagsQueryOptions, useTags } from '../api/get-tags';
import { useDebouncedValue } from '../hooks/use-debounced-value';

/** A tag as a project carries it. */
export type TagRef = Pick<Tag, 'id' | 'name' | 'colour'>;

/** The API's limits: a tag name's length, and how many tags one project may carry. */
export const TAG_NAME_MAX = 50;
export const TAGS_PER_PROJECT_MAX = 50;

type Option = { kind: 'tag'; tag: Tag } | { kind: 'create'; name: string };

type TagPickerProps = {
  value: TagRef[];
  onChange: (tags: TagRef[]) => void;
  onBlur?: () => void;
  label?: string;
  error?: string;
  hint?: ReactNode;
  max?: number;
  className?: string;
};

const sameName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

function chipStyle(colour: string): CSSProperties | undefined {
  const rgb = parseHexColour(colour);
  return rgb ? { backgroundColor: colour, color: readableTextColour(rgb) } : undefined;
}

/**
 * Tags as chips plus a combobox (ARIA 1.2 pattern: the input keeps focus, arrows move the active
 * option, Enter picks it, Esc closes) over GET /tags/?q=. A name no tag has yet can be created on the
 * spot. Chips go by keyboard too: Backspace in the empty input removes the last one; on a chip's
 * remove button, Delete or Backspace removes it and the arrows walk between chips and the input.
 */
export const TagPicker = forwardRef<HTMLInputElement, TagPickerProps>(function TagPicker(
  { value, onChange, onBlur, label = 'Tags', error, hint, max = TAGS_PER_PROJECT_MAX, className },
  forwardedRef,
) {
  const qc = useQueryClient();
  const listboxId = useId();
  const inputRef = useRef<HTMLInputElement | null>(null);
  const chipsRef = useRef<HTMLUListElement>(null);
  const focusAfterRemove = useRef<number | 'input' | null>(null);
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [localError, setLocalError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');

  const trimmed = text.trim();
  const full = value.length >= max;
  const q = useDebouncedValue(trimmed, 200);
  const query = useTags(q, { enabled: open && !full });
  const create = useCreateTag();

  // Until the answer for what is typed now arrives, narrow the previous one here: no flicker, and
  // "Create" waits until the server has said no tag has this name.
  const settled = q === trimmed && query.isSuccess && !query.isPlaceholderData;
  const chosen = new Set(value.map((t) => t.id));
  const found = (query.data?.results ?? []).filter((t) => !trimmed || t.name.toLowerCase().includes(trimmed.toLowerCase()));
  const options: Option[] = found.filter((t) => !chosen.has(t.id)).map((tag) => ({ kind: 'tag', tag }));
  const exists = found.some((t) => sameName(t.name, trimmed)) || value.some((t) => sameName(t.name, trimmed));
  if (trimmed && settled && !exists) options.push({ kind: 'create', name: trimmed });
  const activeIndex = Math.min(active, options.length - 1);
  const expanded = open && !full;
  const optionId = (i: number) => `${listboxId}-option-${i}`;

  const setRefs = useCallback(
    (node: HTMLInputElement | null) => {
      inputRef.current = node;
      if (typeof forwardedRef === 'function') forwardedRef(node);
      else if (forwardedRef) forwardedRef.current = node;
    },
    [forwardedRef],
  );

  useEffect(() => {
    const target = focusAfterRemove.current;
    if (target === null) return;
    focusAfterRemove.current = null;
    const buttons = chipsRef.current?.querySelectorAll<HTMLButtonElement>('button[data-chip-remove]');
    if (target === 'input' || !buttons?.length) inputRef.current?.focus();
    else buttons[Math.min(target, buttons.length - 1)]?.focus();
  }, [value]);

  useEffect(() => {
    if (activeIndex >= 0) document.getElementById(optionId(activeIndex))?.scrollIntoView?.({ block: 'nearest' });
  });

  const add = (tag: TagRef, verb = 'Added') => {
    onChange([...value, { id: tag.id, name: tag.name, colour: tag.colour }]);
    setAnnouncement(`${verb} tag ${tag.name}`);
    setText('');
    setActive(-1);
    setOpen(false);
    setLocalError(undefined);
  };

  const remove = (index: number, focusNext: number | 'input') => {
    const tag = value[index];
    if (!tag) return;
    focusAfterRemove.current = focusNext;
    onChange(value.filter((_, i) => i !== index));
    setAnnouncement(`Removed tag ${tag.name}`);
  };

  const createTag = (name: string) => {
    if (hasControlChars(name)) return setLocalError(CONTROL_CHARS_MESSAGE);
    if (name.length > TAG_NAME_MAX) return setLocalError(`Tag names are at most ${TAG_NAME_MAX} characters.`);
    create.mutate(name, {
      onSuccess: (tag) => add(tag, 'Created'),
      onError: async (e) => {
        // Someone else created it a moment ago: use theirs rather than fail.
        const taken = isApiError(e) && e.status === 400 && 'name' in e.details;
        if (taken) {
          const again = await qc.fetchQuery({ ...tagsQueryOptions(name), staleTime: 0 }).catch(() => null);
          const match = again?.results.find((t) => sameName(t.name, name));
          if (match && !chosen.has(match.id)) return add(match);
        }
        setLocalError(isApiError(e) ? (e.fieldErrors().name ?? errorMessage(e)) : errorMessage(e));
      },
    });
  };

  const choose = (option: Option | undefined) => {
    if (!option || create.isPending) return;
    if (option.kind === 'tag') add(option.tag);
    else createTag(option.name);
  };

  const onInputKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.ctrlKey || e.metaKey) return; // Ctrl/Cmd+Enter belongs to the form
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!expanded) {
          setOpen(true);
          setActive(0);
        } else if (options.length) setActive((activeIndex + 1) % options.length);
        return;
      case 'ArrowUp':
        e.preventDefault();
        if (!expanded) {
          setOpen(true);
          setActive(options.length - 1);
        } else if (options.length) setActive(activeIndex <= 0 ? options.length - 1 : activeIndex - 1);
        return;
      case 'Enter':
        if (expanded && activeIndex >= 0) {
          e.preventDefault();
          choose(options[activeIndex]);
        } else if (trimmed) e.preventDefault(); // a half-typed tag never submits the form
        return;
      case 'Escape':
        if (expanded) {
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
        } else if (text) {
          e.preventDefault();
          setText('');
        }
        return;
      case 'Backspace':
        if (text === '' && value.length > 0) {
          e.preventDefault();
          remove(value.length - 1, 'input');
        }
        return;
      case 'ArrowLeft':
        if (e.currentTarget.selectionStart === 0 && e.currentTarget.selectionEnd === 0 && value.length > 0) {
          e.preventDefault();
          chipsRef.current?.querySelectorAll<HTMLButtonElement>('button[data-chip-remove]')[value.length - 1]?.focus();
        }
        return;
    }
  };

  const onChipKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const buttons = chipsRef.current?.querySelectorAll<HTMLButtonElement>('button[data-chip-remove]');
    switch (e.key) {
      case 'Backspace':
      case 'Delete':
        e.preventDefault();
        remove(index, index < value.length - 1 ? index : index > 0 ? index - 1 : 'input');
        return;
      case 'ArrowLeft':
        e.preventDefault();
        buttons?.[Math.max(0, index - 1)]?.focus();
        return;
      case 'ArrowRight':
        e.preventDefault();
        if (index < value.length - 1) buttons?.[index + 1]?.focus();
        else inputRef.current?.focus();
        return;
    }
  };

  const popupStatus = (): string | null => {
    if (query.isError) return `Could not load tags: ${errorMessage(query.error)}`;
    if (create.isPending) return `Creating “${create.variables}”…`;
    if (options.length > 0) return null;
    if (query.isPending) return 'Loading tags…';
    if (trimmed && !settled) return 'Searching…';
    // Settled with nothing to offer: either every tag is chosen, or this name is (else "Create" shows).
    return trimmed ? `“${trimmed}” is already added.` : 'No more tags. Type a name to create one.';
  };
  const status = expanded ? popupStatus() : null;

  return (
    <Field label={label} error={localError ?? error} hint={full ? `At most ${max} tags; remove one to add another.` : hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <div className="relative">
          <div
            data-invalid={invalid || undefined}
            className="flex flex-wrap items-center gap-1.5 rounded-md border border-line bg-surface px-2 py-1.5 has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-accent data-[invalid]:border-danger"
          >
            {value.length > 0 && (
              <ul ref={chipsRef} aria-label={`Selected ${label.toLowerCase()}`} className="contents">
                {value.map((tag, i) => (
                  <li
                    key={tag.id}
                    className="inline-flex max-w-full items-center gap-1 rounded-full bg-subtle py-0.5 pr-0.5 pl-2 text-xs font-medium text-fg"
                    style={chipStyle(tag.colour)}
                  >
                    <span className="truncate">{tag.name}</span>
                    <button
                      type="button"
                      data-chip-remove
                      aria-label={`Remove tag ${tag.name}`}
                      onClick={() => remove(i, i < value.length - 1 ? i : i > 0 ? i - 1 : 'input')}
                      onKeyDown={(e) => onChipKeyDown(e, i)}
                      className="inline-flex size-5 shrink-0 items-center justify-center rounded-full hover:bg-black/15 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-accent"
                    >
                      <span aria-hidden>×</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <input
              ref={setRefs}
              id={id}
              type="text"
              role="combobox"
              autoComplete="off"
              spellCheck={false}
              maxLength={TAG_NAME_MAX}
              aria-autocomplete="list"
              aria-expanded={expanded}
              aria-controls={listboxId}
              aria-activedescendant={expanded && activeIndex >= 0 ? optionId(activeIndex) : undefined}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              placeholder={value.length ? 'Add another…' : 'Find or create a tag…'}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setOpen(true);
                setActive(e.target.value.trim() ? 0 : -1);
                setLocalError(undefined);
              }}
              onClick={() => setOpen(true)}
              onKeyDown={onInputKeyDown}
              onBlur={() => {
                setOpen(false);
                onBlur?.();
              }}
              className="h-7 min-w-32 flex-1 bg-transparent px-1 text-sm text-fg outline-none placeholder:text-fg-subtle"
            />
          </div>
          <div
            className={cn(
              'absolute inset-x-0 top-full z-20 mt-1 max-h-64 overflow-auto rounded-md border border-line bg-surface-raised py-1 shadow-lg',
              !expanded && 'hidden',
            )}
          >
            <ul id={listboxId} role="listbox" aria-label={`${label} suggestions`}>
              {expanded &&
                options.map((option, i) => (
                  // Keys reach options through the combobox input (aria-activedescendant), never here.
                  // eslint-disable-next-line jsx-a11y/click-events-have-key-events
                  <li
                    key={option.kind === 'tag' ? option.tag.id : 'create'}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === activeIndex}
                    onMouseDown={(e) => e.preventDefault()} // keep focus in the input
                    onMouseMove={() => i !== activeIndex && setActive(i)}
                    onClick={() => choose(option)}
                    className={cn('flex cursor-pointer items-center gap-2 px-3 py-1.5 text-sm', i === activeIndex && 'bg-subtle')}
                  >
                    {option.kind === 'tag' ? (
                      <>
                        <span className="size-2.5 shrink-0 rounded-full border border-line" style={{ backgroundColor: option.tag.colour }} aria-hidden />
                        <span className="flex-1 truncate">{option.tag.name}</span>
                        <span className="text-xs text-fg-muted">
                          {option.tag.project_count} {option.tag.project_count === 1 ? 'project' : 'projects'}
                        </span>
                      </>
                    ) : (
                      <span>
                        Create tag <span className="font-medium">“{option.name}”</span>
                      </span>
                    )}
                  </li>
                ))}
            </ul>
            {status && <p className="px-3 py-1.5 text-sm text-fg-muted">{status}</p>}
          </div>
          <span className="sr-only" aria-live="polite">
            {announcement}
          </span>
        </div>
      )}
    </Field>
  );
});
