import { badUserInput } from '@ordergraph/shared';

/** the longest period a listing or an export of documents may span */
export const MAX_RANGE_YEARS = 3;

/** Whether [from, to) is a range of at most 3 years, `to` after `from`; null when it is. */
export function rangeProblem({ from, to }: { from: Date | null; to: Date | null }): string | null {
  if (!from || !to) return null;
  if (to.getTime() <= from.getTime()) return 'The end of the range must come after its start.';
  const limit = new Date(from);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_RANGE_YEARS);
  return to.getTime() > limit.getTime()
    ? `A range may span at most ${MAX_RANGE_YEARS} years.`
    : null;
}

/** Throws BAD_USER_INPUT (on the `to` field) when [from, to) is not an acceptable range. */
export function checkIssuedRange({
  from,
  to,
  fields,
}: {
  from: Date | null;
  to: Date | null;
  fields: [string, string];
}): void {
  const problem = rangeProblem({ from, to });
  if (problem) throw badUserInput(problem, fields[1]);
}
