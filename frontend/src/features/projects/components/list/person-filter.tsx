import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';

import { errorMessage } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import type { User, UserRef } from '@/types/models';

import { projectKeys } from '../../api/keys';
import { useUserSearch } from '../../api/search-users';

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

type Props = {
  /** "Owner" or "Member": the field's label and the chip's prefix. */
  label: string;
  value: number | undefined;
  /** The chosen person's name, once known. */
  name: string | undefined;
  onChange: (id: number | undefined) => void;
};

/**
 * One person as a filter: an ARIA 1.2 combobox over the people search (name or email, debounced).
 * Arrows move, Enter picks, Esc closes then restores the chosen name; emptying the field and
 * leaving it removes the filter. The field shows the chosen person's name, never their id.
 */
export function PersonFilter({ label, value, name, onChange }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 250);
  const search = useUserSearch(q, { enabled: open });
  const people = search.data?.results ?? [];
  const activeIndex = Math.min(active, Math.max(0, people.length - 1));
  const shownText = editing ? text : value ? (name ?? '') : '';

  const pick = (person: User) => {
    const ref: UserRef = { id: person.id, name: person.name, email: person.email };
    queryClient.setQueryData(projectKeys.person(person.id), ref);
    setEditing(false);
    setOpen(false);
    if (person.id !== value) onChange(person.id);
  };
  const finish = () => {
    if (editing && text.trim() === '' && value) onChange(undefined);
    setEditing(false);
    setOpen(false);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        return;
      }
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive(people.length ? (activeIndex + step + people.length) % people.length : 0);
    } else if (e.key === 'Enter') {
      const person = open ? people[activeIndex] : undefined;
      if (person && !search.isPlaceholderData) {
        e.preventDefault();
        pick(person);
      } else if (editing && text.trim() === '') {
        e.preventDefault();
        finish();
      }
    } else if (e.key === 'Escape' && (open || editing)) {
      e.preventDefault();
      e.stopPropagation();
      if (open) setOpen(false);
      else setEditing(false);
    }
  };

  const searching = open && (search.isPending || search.isPlaceholderData || q !== text.trim());
  const expanded = open && !searching && people.length > 0;
  const status = !open
    ? ''
    : search.isError
      ? `Could not search people: ${errorMessage(search.error)}`
      : searching
        ? 'Searching…'
        : people.length
          ? `${people.length} ${people.length === 1 ? 'person' : 'people'} found`
          : q
            ? `No one matches “${q}”.`
            : 'No people to show.';
  const statusVisible = open && !expanded;

  return (
    <div className="relative flex w-full flex-col gap-1 sm:w-52">
      <label htmlFor={id} className="text-xs font-medium text-fg-muted">
        {label}
      </label>
      <div className="relative">
        <input
          id={id}
          role="combobox"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={expanded ? `${listId}-${people[activeIndex]?.id}` : undefined}
          autoComplete="off"
          value={shownText}
          placeholder={value && name === undefined ? '…' : 'Anyone'}
          onChange={(e) => {
            setEditing(true);
            setText(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={(e) => e.currentTarget.select()}
          // Options never take focus (pressing one keeps it here), so leaving the field ends the edit.
          onBlur={finish}
          onClick={() => setOpen(true)}
          onKeyDown={onKey}
          className={cn(
            'h-8 w-full rounded-md border border-line bg-surface px-2.5 text-sm text-fg placeholder:text-fg-subtle focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-accent',
            value !== undefined && 'pr-8',
          )}
        />
        {value !== undefined && (
          <button
            type="button"
            aria-label={`Clear ${label.toLowerCase()} filter`}
            onClick={() => {
              setEditing(false);
              setOpen(false);
              onChange(undefined);
            }}
            className="absolute top-1/2 right-1 inline-flex size-6 -translate-y-1/2 items-center justify-center rounded-full text-fg-muted hover:bg-subtle hover:text-fg"
          >
            <span aria-hidden>×</span>
          </button>
        )}
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label} suggestions`}
        hidden={!expanded}
        className="absolute top-full z-20 mt-1 max-h-64 w-full min-w-56 overflow-auto rounded-md border border-line bg-surface-raised p-1 shadow-lg"
      >
        {expanded &&
          people.map((person, i) => (
            // Focus stays in the field (aria-activedescendant); pointer or Enter there picks.
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <li
              key={person.id}
              id={`${listId}-${person.id}`}
              role="option"
              aria-selected={person.id === value}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(person)}
              onMouseEnter={() => setActive(i)}
              className={cn('flex cursor-pointer flex-col rounded px-2 py-1.5', i === activeIndex && 'bg-subtle')}
            >
              <span className={cn('text-sm text-fg', person.id === value && 'font-medium')}>{person.name}</span>
              <span className="text-xs text-fg-muted">{person.email}</span>
            </li>
          ))}
      </ul>
      <p
        role="status"
        className={cn(
          'text-xs',
          statusVisible
            ? cn('absolute top-full z-20 mt-1 w-full min-w-56 rounded-md border border-line bg-surface-raised px-3 py-2 shadow-lg', search.isError ? 'text-danger' : 'text-fg-muted')
            : 'sr-only',
        )}
      >
        {status}
      </p>
    </div>
  );
}
