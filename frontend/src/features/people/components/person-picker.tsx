import { forwardRef, useCallback, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

import { Field, controlClass } from '@/components/ui/field';
import { errorMessage } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import type { UserRef } from '@/types/models';

import { usePeopleSearch } from '../api/search-people';
import { useDebouncedValue } from '../hooks/use-debounced-value';

export type Person = UserRef;

export type PersonPickerProps = {
  label: string;
  value: Person | null;
  onChange: (person: Person | null) => void;
  onBlur?: () => void;
  name?: string;
  error?: string;
  /** Replaces the default hint (how to find someone new by email). */
  hint?: ReactNode;
  /** Ids not offered, e.g. people already on the team. */
  exclude?: readonly number[];
  placeholder?: string;
  disabled?: boolean;
  required?: boolean;
  className?: string;
};

export const SEARCH_DELAY_MS = 250;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const DEFAULT_HINT = 'Search by name or email. Someone you have not worked with yet: type their full email address.';

/**
 * A combobox over GET /users/ (WAI-ARIA combobox with a list popup): type to search, arrows to move,
 * Enter to pick, Esc to close (a second Esc clears). Picks people, never free text: leaving the
 * field with an unpicked search puts the chosen person's name back; leaving it empty clears the pick.
 */
export const PersonPicker = forwardRef<HTMLInputElement, PersonPickerProps>(function PersonPicker(
  { label, value, onChange, onBlur, name, error, hint = DEFAULT_HINT, exclude = [], placeholder = 'Name or email', disabled, required, className },
  ref,
) {
  const listId = useId();
  const inputRef = useRef<HTMLInputElement | null>(null);
  const setRefs = useCallback(
    (node: HTMLInputElement | null) => {
      inputRef.current = node;
      if (typeof ref === 'function') ref(node);
      else if (ref) ref.current = node;
    },
    [ref],
  );
  const [text, setText] = useState(value?.name ?? '');
  const [shownId, setShownId] = useState(value?.id ?? null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  // The value changed from outside (a form reset, a reload): show its name.
  if ((value?.id ?? null) !== shownId) {
    setShownId(value?.id ?? null);
    setText(value?.name ?? '');
  }

  // With someone picked and their name untouched, the list offers everyone to switch to.
  const term = value && text === value.name ? '' : text.trim();
  const debounced = useDebouncedValue(term, SEARCH_DELAY_MS);
  const search = usePeopleSearch(debounced, { enabled: open && !disabled });
  const settling = term !== debounced || search.isPlaceholderData || search.isPending;
  const options = (search.data?.results ?? []).filter((p) => !exclude.includes(p.id));
  const current = Math.min(active, options.length - 1);
  const optionId = (i: number) => `${listId}-option-${i}`;
  const showList = open && !disabled;

  function pick(person: Person) {
    setShownId(person.id);
    setText(person.name);
    setOpen(false);
    onChange({ id: person.id, name: person.name, email: person.email });
  }

  function type(next: string) {
    setText(next);
    setActive(0);
    setOpen(true);
  }

  function clear() {
    setText('');
    setOpen(false);
    if (value) {
      setShownId(null);
      onChange(null);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      if (!open) {
        setOpen(true);
        setActive(step === 1 ? 0 : Math.max(options.length - 1, 0));
      } else if (options.length > 0) {
        setActive((current + step + options.length) % options.length);
      }
    } else if (e.key === 'Enter') {
      if (!open) return;
      e.preventDefault(); // never submits the surrounding form while the list is open
      const person = options[current];
      if (person && !settling) pick(person);
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation(); // closes the list, not the dialog around it
        setOpen(false);
      } else if (text || value) {
        e.preventDefault();
        e.stopPropagation();
        clear();
      }
    }
  }

  let message: string | null = null;
  if (showList) {
    if (search.isError) message = `Could not search people. ${errorMessage(search.error)}`;
    else if (settling && options.length === 0) message = 'Searching…';
    else if (options.length === 0)
      message = !term
        ? 'No one to suggest yet. Type a full email address to find someone new.'
        : EMAIL.test(term)
          ? `No Pulse account uses ${term}.`
          : `No one matches “${term}”. To add someone new, type their full email address.`;
  }
  const announcement = showList && !settling && !search.isError && options.length > 0 ? `${options.length} ${options.length === 1 ? 'person' : 'people'} found` : message ?? '';

  return (
    <Field
      label={label}
      error={error}
      className={className}
      hint={
        value ? (
          <>
            <span className="text-fg-muted">{value.email}</span>
            {' · '}
            {hint}
          </>
        ) : (
          hint
        )
      }
    >
      {({ id, describedBy, invalid }) => (
        <div className="relative">
          <input
            ref={setRefs}
            id={id}
            name={name}
            type="text"
            role="combobox"
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={showList}
            aria-controls={listId}
            aria-activedescendant={showList && current >= 0 && options[current] ? optionId(current) : undefined}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            aria-required={required || undefined}
            placeholder={placeholder}
            disabled={disabled}
            value={text}
            className={cn(controlClass, value && 'pr-8')}
            onChange={(e) => type(e.target.value)}
            onKeyDown={onKeyDown}
            onClick={() => setOpen(true)}
            onBlur={() => {
              if (!text.trim()) clear();
              else setText(value?.name ?? '');
              setOpen(false);
              onBlur?.();
            }}
          />
          {value && !disabled && (
            <button
              type="button"
              aria-label={`Clear ${label}`}
              className="absolute inset-y-0 right-0 flex w-8 items-center justify-center rounded-r-md text-fg-subtle hover:text-fg focus-visible:outline-2 focus-visible:outline-accent"
              onClick={() => {
                clear();
                inputRef.current?.focus(); // the button goes away with the pick
              }}
            >
              ×
            </button>
          )}
          <div
            className={cn(
              'absolute inset-x-0 top-full z-30 mt-1 overflow-hidden rounded-md border border-line bg-surface-raised shadow-lg',
              !showList && 'hidden',
            )}
          >
            <ul id={listId} role="listbox" aria-label={label} aria-busy={settling || undefined} className={cn('max-h-64 overflow-y-auto py-1', settling && 'opacity-60')}>
              {showList &&
                options.map((person, i) => (
                  // eslint-disable-next-line jsx-a11y/click-events-have-key-events -- the keyboard drives the combobox input (aria-activedescendant)
                  <li
                    key={person.id}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === current}
                    className={cn('flex cursor-pointer flex-col px-3 py-1.5', i === current && 'bg-subtle', person.id === value?.id && 'font-medium')}
                    // Keep focus in the input: the option is picked on click, not on blur.
                    onMouseDown={(e) => e.preventDefault()}
                    onMouseMove={() => i !== current && setActive(i)}
                    onClick={() => pick(person)}
                  >
                    <span className="truncate text-sm text-fg">{person.name}</span>
                    <span className="truncate text-xs text-fg-muted">{person.email}</span>
                  </li>
                ))}
            </ul>
            {/* Read out by the status region below; hidden here so it is not read twice. */}
            {message && (
              <p aria-hidden className={cn('px-3 py-2 text-xs', search.isError ? 'text-danger' : 'text-fg-muted')}>
                {message}
              </p>
            )}
          </div>
          <span role="status" className="sr-only">
            {announcement}
          </span>
        </div>
      )}
    </Field>
  );
});
