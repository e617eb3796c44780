/**
 * The project form's rules, mirroring the API's (backend/pulse/projects/serializers.py, models.py,
 * services.py): the same lengths, the same required fields, due on or after start, no control
 * characters. The server stays the judge; this only says it sooner, on the field.
 */
import { z } from 'zod';

import { TAGS_PER_PROJECT_MAX } from '@/features/tags';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import type { Project, ProjectInput } from '@/types/models';

import type { ProjectChanges } from '../../api/patch-project';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 20_000;
const PROGRESS_MESSAGE = 'Enter a whole number from 0 to 100.';
export const DUE_BEFORE_START = 'The due date cannot be before the start date.';

const day = z.union([z.literal(''), z.iso.date('Enter a date as year-month-day.')]);

const person = z.object({ id: z.number(), name: z.string(), email: z.string() });
const dueOnOrAfterStart = (v: { start_date: string; due_date: string }) => !v.start_date || !v.due_date || v.due_date >= v.start_date;
const dueError = { path: ['due_date'], message: DUE_BEFORE_START };

const fields = {
  // The API trims the title before it checks its length; so does this.
  title: z
    .string()
    .trim()
    .min(1, 'Enter a title.')
    .max(TITLE_MAX, `Use at most ${TITLE_MAX} characters.`)
    .refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE),
  // Kept as typed (the API does not trim descriptions either).
  description: z
    .string()
    .max(DESCRIPTION_MAX, `Use at most ${DESCRIPTION_MAX.toLocaleString('en')} characters.`)
    .refine((v) => !hasControlChars(v, { multiline: true }), CONTROL_CHARS_MESSAGE),
  start_date: day,
  due_date: day,
  progress: z.number({ error: PROGRESS_MESSAGE }).int(PROGRESS_MESSAGE).min(0, PROGRESS_MESSAGE).max(100, PROGRESS_MESSAGE),
  tags: z
    .array(z.object({ id: z.number(), name: z.string(), colour: z.string() }))
    .max(TAGS_PER_PROJECT_MAX, `Use at most ${TAGS_PER_PROJECT_MAX} tags.`),
};

/** Create: whoever creates a project owns it, so there is no owner to choose (it stays null). */
export const projectFormSchema = z.object({ ...fields, owner: person.nullable() }).refine(dueOnOrAfterStart, dueError);

/** Edit: a project always has an owner; emptying the Owner field is not a way to save. */
export const projectEditSchema = z
  .object({ ...fields, owner: person.nullable().refine((o) => o !== null, 'Choose who owns the project.') })
  .refine(dueOnOrAfterStart, dueError);

export type ProjectFormInput = z.input<typeof projectFormSchema>;
export type ProjectFormValues = z.output<typeof projectFormSchema>;

/** The form's fields in the order they appear, each with the API field it writes. */
export const FORM_FIELDS = ['title', 'description', 'start_date', 'due_date', 'progress', 'tags', 'owner'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
const API_TO_FORM: Record<string, FormField> = {
  title: 'title',
  description: 'description',
  start_date: 'start_date',
  due_date: 'due_date',
  progress: 'progress',
  tag_ids: 'tags',
  owner_id: 'owner',
};
export const formFieldOf = (apiField: string): FormField | undefined => API_TO_FORM[apiField];

export const emptyProject: ProjectFormInput = { title: '', description: '', start_date: '', due_date: '', progress: 0, tags: [], owner: null };

export const valuesOf = (p: Project): ProjectFormInput => ({
  title: p.title,
  description: p.description,
  start_date: p.start_date ?? '',
  due_date: p.due_date ?? '',
  progress: p.progress,
  tags: p.tags.map(({ id, name, colour }) => ({ id, name, colour })),
  owner: { id: p.owner.id, name: p.owner.name, email: p.owner.email },
});

/** Progress is the form's to set only while the project has no milestones (then it is derived). */
export const progressIsManual = (p: Project | undefined) => !p || p.progress_mode === 'manual';

export function createInput(v: ProjectFormValues): ProjectInput {
  return {
    title: v.title,
    description: v.description,
    start_date: v.start_date || null,
    due_date: v.due_date || null,
    progress: v.progress,
    tag_ids: v.tags.map((t) => t.id),
  };
}

const sameIds = (a: number[], b: number[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** What differs from the copy the form was loaded from: only those fields are sent. */
export function changesFrom(base: Project, v: ProjectFormValues): ProjectChanges {
  const changes: ProjectChanges = {};
  if (v.title !== base.title) changes.title = v.title;
  if (v.description !== base.description) changes.description = v.description;
  if ((v.start_date || null) !== base.start_date) changes.start_date = v.start_date || null;
  if ((v.due_date || null) !== base.due_date) changes.due_date = v.due_date || null;
  if (progressIsManual(base) && v.progress !== base.progress) changes.progress = v.progress;
  const tagIds = v.tags.map((t) => t.id);
  if (!sameIds(tagIds, base.tags.map((t) => t.id))) changes.tag_ids = tagIds;
  if (v.owner && v.owner.id !== base.owner.id) changes.owner_id = v.owner.id;
  return changes;
}
