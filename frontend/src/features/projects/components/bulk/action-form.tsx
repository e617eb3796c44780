import { useQueryClient } from '@tanstack/react-query';

import { SelectField, TextareaField, TextField } from '@/components/ui/field';
import { useAllTags } from '../../api/get-all-tags';
import { projectKeys } from '../../api/keys';
import { PersonFilter } from '../list/person-filter';
import { humanize } from '@/lib/format';
import type { UserRef } from '@/types/models';

import { ACTIONS, TRANSITION_NAMES, type OfferedAction, type ParamValues } from './actions';

type Props = {
  action: OfferedAction;
  onAction: (action: OfferedAction) => void;
  values: ParamValues;
  onChange: (patch: Partial<ParamValues>) => void;
  errors: Record<string, string>;
};

function TagPicker({ value, onChange, error }: { value: number[]; onChange: (ids: number[]) => void; error?: string }) {
  const tags = useAllTags();
  if (tags.isPending) return <p className="text-sm text-fg-muted">Loading tags…</p>;
  if (tags.isError) return <p className="text-sm text-danger">Could not load the tags.</p>;
  if (tags.data.tags.length === 0) return <p className="text-sm text-fg-muted">There are no tags yet.</p>;
  return (
    <fieldset className="flex flex-col gap-1" aria-describedby={error ? 'bulk-tags-error' : undefined}>
      <legend className="text-xs font-medium text-fg-muted">Tags</legend>
      <div className="flex max-h-40 flex-wrap gap-2 overflow-y-auto">
        {tags.data.tags.map((tag) => (
          <label key={tag.id} className="flex items-center gap-1.5 rounded-full border border-line px-2 py-0.5 text-sm">
            <input
              type="checkbox"
              checked={value.includes(tag.id)}
              onChange={(e) => onChange(e.target.checked ? [...value, tag.id] : value.filter((id) => id !== tag.id))}
              className="accent-accent"
            />
            {tag.name}
          </label>
        ))}
      </div>
      {error && (
        <p id="bulk-tags-error" role="alert" className="text-xs text-danger">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** The chosen action and its parameters. */
export function ActionForm({ action, onAction, values, onChange, errors }: Props) {
  const qc = useQueryClient();
  const ownerName = values.owner_id ? qc.getQueryData<UserRef | null>(projectKeys.person(values.owner_id))?.name : undefined;
  return (
    <div className="flex flex-col gap-3">
      <SelectField label="Action" value={action} onChange={(e) => onAction(e.target.value as OfferedAction)}>
        {ACTIONS.map((a) => (
          <option key={a.name} value={a.name}>
            {a.label}
          </option>
        ))}
      </SelectField>
      {action === 'transition' && (
        <SelectField label="Transition" value={values.name} onChange={(e) => onChange({ name: e.target.value })}>
          {TRANSITION_NAMES.map((n) => (
            <option key={n} value={n}>
              {humanize(n)}
            </option>
          ))}
        </SelectField>
      )}
      {action === 'set_health_override' && (
        <>
          <SelectField label="Health" value={values.health} onChange={(e) => onChange({ health: e.target.value })}>
            {['on_track', 'at_risk', 'off_track'].map((h) => (
              <option key={h} value={h}>
                {humanize(h)}
              </option>
            ))}
          </SelectField>
          <TextareaField label="Reason" value={values.reason} maxLength={500} error={errors.reason} onChange={(e) => onChange({ reason: e.target.value })} />
        </>
      )}
      {(action === 'add_tags' || action === 'remove_tags' || action === 'replace_tags') && (
        <TagPicker value={values.tag_ids} onChange={(tag_ids) => onChange({ tag_ids })} error={errors.tag_ids} />
      )}
      {action === 'replace_tags' && values.tag_ids.length === 0 && <p className="text-xs text-fg-muted">No tag chosen: every selected project loses its tags.</p>}
      {action === 'change_owner' && (
        <div className="flex flex-col gap-1">
          <PersonFilter label="New owner" value={values.owner_id} name={ownerName} onChange={(owner_id) => onChange({ owner_id })} />
          {errors.owner_id && (
            <p role="alert" className="text-xs text-danger">
              {errors.owner_id}
            </p>
          )}
        </div>
      )}
      {action === 'shift_due_date' && (
        <TextField
          label="Days (negative moves earlier)"
          type="number"
          inputMode="numeric"
          min={-3650}
          max={3650}
          value={values.days}
          error={errors.days}
          onChange={(e) => onChange({ days: e.target.value })}
        />
      )}
      {action === 'set_due_date' && (
        <>
          <TextField
            label="Due date"
            type="date"
            value={values.due_date}
            disabled={values.clear_due}
            error={errors.due_date}
            onChange={(e) => onChange({ due_date: e.target.value })}
          />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={values.clear_due} onChange={(e) => onChange({ clear_due: e.target.checked })} className="accent-accent" />
            Clear the due date instead
          </label>
        </>
      )}
      {action === 'delete' && <p className="text-sm text-fg-muted">The projects move to the trash; they can be restored from there, or with Undo afterwards.</p>}
      {action === 'clear_health_override' && <p className="text-sm text-fg-muted">Health goes back to what Pulse derives from dates and milestones.</p>}
    </div>
  );
}
