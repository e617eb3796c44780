import { useQueryClient } from '@tanstack/react-query';

import type { Paginated, Project, UserRef } from '@/types/models';

import { useAllTags } from '../../api/get-all-tags';
import { projectKeys } from '../../api/keys';
import { formatNumber } from '@/lib/format';

import { useProjectTitles } from '../../hooks/use-project-titles';
import { fieldLabel } from './actions';
import { formatValue } from './format-change';
import type { DryRun } from '../../api/bulk-types';
import { ProblemList } from './problem-list';

/** How many ok items show their before → after. */
const SAMPLE = 8;

/** The dry run: what would change, per field and for a sample of projects, and what stands in the way. */
export function PreviewView({ preview }: { preview: DryRun }) {
  const ok = preview.report.filter((e) => e.result === 'ok');
  const sample = ok.filter((e) => e.changes && Object.keys(e.changes).length > 0).slice(0, SAMPLE);
  const titles = useProjectTitles(sample.map((e) => e.id));
  const tags = useAllTags({ enabled: sample.some((e) => e.changes && 'tags' in e.changes) });
  const qc = useQueryClient();
  // People by id: the one picked as new owner is cached; current owners come with the list's rows.
  const person = (id: number) => {
    const picked = qc.getQueryData<UserRef | null>(projectKeys.person(id));
    if (picked) return picked.name;
    for (const [, page] of qc.getQueriesData<Paginated<Project>>({ queryKey: projectKeys.lists() })) {
      const owner = page?.results.find((p) => p.owner.id === id)?.owner;
      if (owner) return owner.name;
    }
    return undefined;
  };
  const names = { tag: (id: number) => tags.data?.byId.get(id)?.name, person };
  const fields = Object.entries(preview.fields);
  const problems = preview.total - ok.length;
  return (
    <div className="flex flex-col gap-3" data-testid="bulk-preview">
      <p className="text-sm" role="status">
        {formatNumber(ok.length)} of {formatNumber(preview.total)} projects would change
        {problems > 0 && <>; {formatNumber(problems)} cannot, see below</>}.
      </p>
      {fields.length > 0 ? (
        <ul aria-label="Changes per field" className="flex flex-wrap gap-2 text-sm">
          {fields.map(([field, { count }]) => (
            <li key={field} className="rounded-full bg-subtle px-2.5 py-0.5">
              {fieldLabel(field)}: <span className="font-medium">{formatNumber(count)}</span>
            </li>
          ))}
        </ul>
      ) : (
        ok.length > 0 && <p className="text-sm text-fg-muted">Nothing would actually change: the projects already look like this.</p>
      )}
      {sample.length > 0 && (
        // At most SAMPLE rows: no scrolling box (which would need to be reachable by keyboard).
        <div className="rounded-md border border-line">
          <table className="w-full text-left text-sm" aria-label="Sample of changes">
            <thead className="bg-subtle text-xs text-fg-muted">
              <tr>
                <th scope="col" className="px-2 py-1 font-medium">Project</th>
                <th scope="col" className="px-2 py-1 font-medium">Change</th>
              </tr>
            </thead>
            <tbody>
              {sample.map((e) => (
                <tr key={e.id} className="border-t border-line align-top">
                  <td className="px-2 py-1 font-medium">{titles.get(e.id) ?? `Project #${e.id}`}</td>
                  <td className="px-2 py-1">
                    {Object.entries(e.changes ?? {}).map(([field, [before, after]]) => (
                      <div key={field}>
                        <span className="text-fg-muted">{fieldLabel(field)}:</span> {formatValue(field, before, names)} → {formatValue(field, after, names)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ProblemList report={preview.report} />
    </div>
  );
}
