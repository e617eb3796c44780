import type { CSSProperties } from 'react';
import { cx } from './class-names';
import { readableTextColour } from './contrast';
import { initials } from './format';

export interface AvatarPerson {
  id: number | string;
  name: string;
  /** Extra words after the name, e.g. the role: read by screen readers and shown on hover. */
  detail?: string | undefined;
}

export interface MemberAvatarsProps {
  people: readonly AvatarPerson[];
  /** How many avatars to show before "+N". Default 4. */
  max?: number | undefined;
  /** Accessible name of the list. Default "Team members". */
  label?: string | undefined;
  size?: 'sm' | 'md' | undefined;
  className?: string | undefined;
}

// Mid-tone backgrounds; the text colour is computed per colour, never assumed.
const PALETTE = ['#2563eb', '#7c3aed', '#db2777', '#dc2626', '#ea580c', '#ca8a04', '#16a34a', '#0d9488', '#0891b2', '#4f46e5'];

/** A stable colour for a person, so someone looks the same on every card. */
export function avatarColour(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return PALETTE[hash % PALETTE.length] ?? '#475569';
}

function describe(person: AvatarPerson): string {
  return person.detail ? `${person.name}, ${person.detail}` : person.name;
}

/** Overlapping initials avatars with a "+N" for the rest; every name is in the accessible text. */
export function MemberAvatars({ people, max = 4, label = 'Team members', size = 'md', className }: MemberAvatarsProps) {
  if (people.length === 0) return null;
  const limit = Math.max(1, Math.floor(max));
  const shown = people.slice(0, limit);
  const hidden = people.slice(limit);
  return (
    <ul className={cx('pc-avatars', className)} data-size={size} aria-label={label}>
      {shown.map((person) => {
        const background = avatarColour(`${person.id}:${person.name}`);
        const style = { '--pc-avatar-bg': background, '--pc-avatar-fg': readableTextColour(background) } as CSSProperties;
        return (
          <li key={person.id} className="pc-avatars__item">
            <span className="pc-avatar" style={style} title={describe(person)} aria-hidden="true">
              {initials(person.name)}
            </span>
            <span className="pc-sr-only">{describe(person)}</span>
          </li>
        );
      })}
      {hidden.length > 0 ? (
        <li className="pc-avatars__item">
          <span className="pc-avatar pc-avatar--more" title={hidden.map(describe).join('\n')} aria-hidden="true">
            +{hidden.length}
          </span>
          <span className="pc-sr-only">
            and {hidden.length} more: {hidden.map(describe).join('; ')}
          </span>
        </li>
      ) : null}
    </ul>
  );
}
