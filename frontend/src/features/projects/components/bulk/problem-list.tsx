import { formatNumber } from '@/lib/format';

import { useProjectTitles } from '../../hooks/use-project-titles';
import { describeFields } from './format-change';
import type { ItemResult, ReportEntry } from '../../api/bulk-types';

const GROUPS: { result: Exclude<ItemResult, 'ok'>; title: string }[] = [
  { result: 'conflict', title: 'Changed by someone since you read them' },
  { result: 'forbidden', title: 'Not yours to change' },
  { result: 'not_found', title: 'Gone or not visible to you' },
  { result: 'invalid', title: 'The action does not apply' },
];

/** Per group, this many are named; the rest are counted. */
const SHOWN = 20;

function conflictLine(entry: ReportEntry): string {
  const who = entry.changed_by?.name ?? 'Someone';
  const what = entry.changed_fields?.length ? describeFields(entry.changed_fields) : 'it';
  return `${who} changed ${what}`;
}

/** The report's problems, grouped by why, each project by title. */
export function ProblemList({ report }: { report: ReportEntry[] }) {
  const problems = report.filter((e) => e.result !== 'ok');
  const named = GROUPS.flatMap((g) => problems.filter((e) => e.result === g.result).slice(0, SHOWN));
  const titles = useProjectTitles(
    named.filter((e) => e.result !== 'not_found').map((e) => e.id),
  );
  if (problems.length === 0) return null;
  return (
    <div className="flex flex-col gap-3" data-testid="bulk-problems">
      {GROUPS.map(({ result, title }) => {
        const entries = problems.filter((e) => e.result === result);
        if (entries.length === 0) return null;
        return (
          <section key={result} aria-label={title} className="rounded-md border border-line p-3">
            <h3 className="text-sm font-medium">
              {title} <span className="text-fg-muted">({formatNumber(entries.length)})</span>
            </h3>
            <ul className="mt-1 flex flex-col gap-1 text-sm">
              {entries.slice(0, SHOWN).map((e) => (
                <li key={e.id} className="flex flex-wrap gap-x-2">
                  <span className="font-medium">{titles.get(e.id) ?? `Project #${e.id}`}</span>
                  <span className="text-fg-muted">{result === 'conflict' ? conflictLine(e) : e.message}</span>
                </li>
              ))}
            </ul>
            {entries.length > SHOWN && <p className="mt-1 text-xs text-fg-muted">and {formatNumber(entries.length - SHOWN)} more</p>}
          </section>
        );
      })}
    </div>
  );
}
