import { formatDate, humanize } from '@/lib/format';

import { fieldLabel } from './actions';

type Names = { tag?: (id: number) => string | undefined; person?: (id: number) => string | undefined };

/** One side of a change as a person reads it. */
export function formatValue(field: string, value: unknown, names: Names = {}): string {
  if (value === null || value === undefined || value === '') return field === 'deleted_at' ? 'No' : '—';
  if (field === 'deleted_at') return 'Yes';
  if (field.endsWith('date')) return formatDate(String(value));
  if (field === 'owner_id' && typeof value === 'number') return names.person?.(value) ?? `Person #${value}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return value
      .map((v) => (typeof v === 'number' ? (names.tag?.(v) ?? `#${v}`) : typeof v === 'object' && v && 'name' in v ? String((v as { name: unknown }).name) : String(v)))
      .join(', ');
  }
  if (typeof value === 'object' && value && 'name' in value) return String((value as { name: unknown }).name);
  if (typeof value === 'string' && /^[a-z_]+$/.test(value)) return humanize(value);
  return String(value);
}

export const describeFields = (fields: string[]) => fields.map((f) => fieldLabel(f).toLowerCase()).join(', ');
