import { useEffect, useId, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { controlClass } from '@/components/ui/field';
import { cn } from '@/lib/cn';

import { useMe } from '@/features/auth';

import { conflictsOf, mergedValues, type FieldMerge, type Values } from './merge';
import { changerName, type Changer } from './stale-write';

export type MergeEditor =
  | { kind: 'text' | 'textarea' | 'date' }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'select'; options: readonly { value: string; label: string }[] };

/** How the dialog shows one field: its label, its values read as a person would, and how to type one. */
export type MergeFieldSpec = {
  field: string;
  label: string;
  format: (value: unknown) => string;
  /** Offers "Edit" (a value of one's own) for a conflict; without it, theirs or mine (tags, people). */
  editor?: MergeEditor;
};

type Choice = 'theirs' | 'mine' | 'edit';

type MergeDialogProps = {
  /** The merge to settle; the dialog is open while there is one. */
  merges: FieldMerge[] | null;
  specs: readonly MergeFieldSpec[];
  /** What was edited, in a sentence: "this project", "milestone “Beta”". */
  subject: string;
  /** Who saved meanwhile, as the 412 names them (`details.changed_by`); null or absent: "Someone else". */
  changedBy?: Changer | null;
  onCancel: () => void;
  /** Every field's value after the merge, in the form's shape. */
  onResolve: (values: Values) => void;
};

const toInput = (v: unknown) => (v === null || v === undefined ? '' : String(v));

function fromInput(editor: MergeEditor, text: string): unknown {
  return editor.kind === 'number' ? (text.trim() === '' ? Number.NaN : Number(text)) : text;
}

function Value({ label, text, muted }: { label: string; text: string; muted?: boolean }) {
  return (
    <span className="flex min-w-0 flex-col">
      <span className="text-[11px] font-medium tracking-wide text-fg-subtle uppercase">{label}</span>
      <span className={cn('break-words whitespace-pre-line', muted && 'text-fg-muted')}>{text}</span>
    </span>
  );
}

function EditInput({ editor, id, label, value, onChange }: { editor: MergeEditor; id: string; label: string; value: string; onChange: (v: string) => void }) {
  const common = { id, 'aria-label': label, value, className: cn(controlClass, 'mt-1') };
  if (editor.kind === 'textarea') return <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />;
  if (editor.kind === 'select')
    return (
      <select {...common} onChange={(e) => onChange(e.target.value)}>
        {editor.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  const range = editor.kind === 'number' ? { min: editor.min, max: editor.max, inputMode: 'numeric' as const } : {};
  return <input {...common} {...range} type={editor.kind} onChange={(e) => onChange(e.target.value)} />;
}

function ConflictChoice({
  merge,
  spec,
  choice,
  edited,
  onChoose,
  onEdit,
  firstRef,
  missing,
}: {
  merge: FieldMerge;
  spec: MergeFieldSpec;
  choice: Choice | undefined;
  edited: string;
  onChoose: (c: Choice) => void;
  onEdit: (v: string) => void;
  firstRef?: React.Ref<HTMLInputElement>;
  missing: boolean;
}) {
  const id = useId();
  const option = 'flex cursor-pointer items-start gap-2 rounded-md border border-line p-2 has-[:checked]:border-accent has-[:checked]:bg-accent/5';
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={missing ? `${id}-missing` : undefined}>
      <legend className="mb-1 text-sm font-medium">{spec.label}</legend>
      <div className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-3">
        <div className="rounded-md bg-subtle p-2">
          <Value label="You started from" text={spec.format(merge.base)} muted />
        </div>
        <label className={option}>
          <input ref={firstRef} type="radio" name={id} className="mt-1" checked={choice === 'theirs'} onChange={() => onChoose('theirs')} aria-label={`Theirs: ${spec.format(merge.theirs)}`} />
          <Value label="They saved" text={spec.format(merge.theirs)} />
        </label>
        <label className={option}>
          <input type="radio" name={id} className="mt-1" checked={choice === 'mine'} onChange={() => onChoose('mine')} aria-label={`Mine: ${spec.format(merge.mine)}`} />
          <Value label="You typed" text={spec.format(merge.mine)} />
        </label>
      </div>
      {spec.editor && (
        <div className="text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name={id} checked={choice === 'edit'} onChange={() => onChoose('edit')} />
            Edit: type a value of your own
          </label>
          {choice === 'edit' && <EditInput editor={spec.editor} id={`${id}-edit`} label={`${spec.label}, your value`} value={edited} onChange={onEdit} />}
        </div>
      )}
      {missing && (
        <p id={`${id}-missing`} className="text-xs text-danger">
          Choose which {spec.label.toLowerCase()} to keep.
        </p>
      )}
    </fieldset>
  );
}

function MergeBody({ merges, specs, onCancel, onResolve }: Omit<MergeDialogProps, 'merges' | 'subject'> & { merges: FieldMerge[] }) {
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [edits, setEdits] = useState<Record<string, string>>(() => Object.fromEntries(merges.map((m) => [m.field, toInput(m.mine)])));
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const specOf = (field: string) => specs.find((s) => s.field === field);
  const conflicts = conflictsOf(merges).filter((m) => specOf(m.field));
  const automatic = merges.filter((m) => m.outcome === 'mine' || m.outcome === 'theirs');
  const unresolved = conflicts.filter((m) => !choices[m.field]);

  // The native dialog focuses its first control as it opens; this also does it where it cannot.
  useEffect(() => first.current?.focus(), []);

  const resolve = () => {
    if (unresolved.length) {
      setTried(true);
      return;
    }
    const chosen: Values = {};
    for (const m of conflicts) {
      const choice = choices[m.field];
      const spec = specOf(m.field);
      chosen[m.field] = choice === 'theirs' ? m.theirs : choice === 'edit' && spec?.editor ? fromInput(spec.editor, edits[m.field] ?? '') : m.mine;
    }
    onResolve(mergedValues(merges, chosen));
  };

  return (
    <>
      <div className="flex max-h-[60vh] flex-col gap-4 overflow-y-auto pr-1">
        {conflicts.map((m, i) => {
          const spec = specOf(m.field) as MergeFieldSpec;
          return (
            <ConflictChoice
              key={m.field}
              merge={m}
              spec={spec}
              choice={choices[m.field]}
              edited={edits[m.field] ?? ''}
              onChoose={(c) => setChoices((all) => ({ ...all, [m.field]: c }))}
              onEdit={(v) => setEdits((all) => ({ ...all, [m.field]: v }))}
              firstRef={i === 0 ? first : undefined}
              missing={tried && !choices[m.field]}
            />
          );
        })}
        {automatic.length > 0 && (
          <details className="rounded-md border border-line px-3 py-2 text-sm">
            <summary className="cursor-pointer font-medium">
              Merged automatically: {automatic.map((m) => specOf(m.field)?.label ?? m.field).join(', ')}
            </summary>
            <ul className="mt-2 flex flex-col gap-1">
              {automatic.map((m) => (
                <li key={m.field}>
                  <span className="font-medium">{specOf(m.field)?.label ?? m.field}</span>:{' '}
                  {m.outcome === 'theirs' ? `their change kept (${specOf(m.field)?.format(m.theirs)})` : `your change kept (${specOf(m.field)?.format(m.mine)})`}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
      {tried && unresolved.length > 0 && (
        <p role="alert" className="text-sm text-danger">
          Choose a value for {unresolved.length === 1 ? 'the field' : `all ${unresolved.length} fields`} you both changed, or cancel to keep editing.
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="primary" onClick={resolve}>
          Save merged
        </Button>
      </div>
    </>
  );
}

/**
 * Settles a save that hit a newer version (a 412): per field, what you started from, what they
 * saved and what you typed. Fields one side changed are merged already (listed, collapsed); each
 * field both changed asks theirs, mine or a value typed here. Esc or Cancel goes back to the form
 * with everything typed in it.
 */
export function MergeDialog({ merges, specs, subject, changedBy, onCancel, onResolve }: MergeDialogProps) {
  const conflicts = merges ? conflictsOf(merges).length : 0;
  const me = useMe();
  return (
    <Dialog
      open={merges !== null}
      onClose={onCancel}
      title={`${changerName(changedBy, me.data?.id) ?? 'Someone else'} saved changes meanwhile`}
      description={`Both of you changed ${conflicts === 1 ? 'one field' : `${conflicts} fields`} of ${subject}. Choose what to keep; nothing is saved until you do.`}
      className="w-[min(48rem,calc(100vw-2rem))]"
    >
      {merges && <MergeBody merges={merges} specs={specs} onCancel={onCancel} onResolve={onResolve} />}
    </Dialog>
  );
}
