import { join } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import { findBreakingChanges, findDangerousChanges } from 'graphql';
import { z } from 'zod';
import { apiSchemaOf } from './api-schema.js';
import { validateOperations, type OperationProblem } from './manifest.js';

export const ACCEPTED_CHANGES_FILE = join(PROJECT_ROOT, 'schema/accepted-changes.json');

/** A change of the API schema as graphql-js names it, e.g. FIELD_REMOVED "Order.notes was removed." */
export interface SchemaChange {
  type: string;
  description: string;
}

const acceptedChangeSchema = z.strictObject({
  type: z.string().min(1),
  description: z.string().min(1),
  reason: z.string().trim().min(1, 'every accepted change needs a reason'),
});

/** A breaking change let through on purpose: matched on `type` and `description` exactly. */
export type AcceptedChange = z.infer<typeof acceptedChangeSchema>;

/** The outcome of comparing a new supergraph's API schema with the committed one. */
export interface SchemaCheck {
  /** false when a breaking change is not accepted or a persisted operation breaks */
  ok: boolean;
  /** breaking changes not in the accepted list */
  breaking: SchemaChange[];
  /** breaking changes in the accepted list, with the reason given there */
  acceptedBreaking: AcceptedChange[];
  /** reported, never failing: they may change what existing clients see */
  dangerous: SchemaChange[];
  /** persisted operations that would no longer validate, whether or not the change is accepted */
  brokenOperations: OperationProblem[];
  /** accepted entries that match no change of this comparison (already committed, or mistyped) */
  unmatchedAcceptances: AcceptedChange[];
}

/** Parses the accepted changes file's content; throws a message naming the bad entry. */
export function parseAcceptedChanges(json: unknown): AcceptedChange[] {
  const result = z.array(acceptedChangeSchema).safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `  [${issue.path.join('.')}] ${issue.message}`,
    );
    throw new Error(
      `schema/accepted-changes.json must be a list of { "type", "description", "reason" }:\n${issues.join('\n')}`,
    );
  }
  return result.data;
}

/**
 * Compares the API schemas of two supergraphs with graphql-js: breaking changes fail unless
 * accepted, dangerous ones are reported, and every operation that would not validate against
 * the new schema is named (accepting a change does not make a partner's operation work again).
 */
export function checkSchema({
  committedSupergraphSdl,
  newSupergraphSdl,
  accepted = [],
  operations = [],
}: {
  committedSupergraphSdl: string;
  newSupergraphSdl: string;
  accepted?: AcceptedChange[];
  operations?: { name: string; body: string }[];
}): SchemaCheck {
  const before = apiSchemaOf(committedSupergraphSdl);
  const after = apiSchemaOf(newSupergraphSdl);
  const isAccepted = (change: SchemaChange) => (entry: AcceptedChange) =>
    entry.type === change.type && entry.description === change.description;

  const breakingChanges = findBreakingChanges(before, after).map(asChange).sort(byDescription);
  const breaking = breakingChanges.filter((change) => !accepted.some(isAccepted(change)));
  const acceptedBreaking = accepted.filter((entry) =>
    breakingChanges.some((change) => isAccepted(change)(entry)),
  );
  const unmatchedAcceptances = accepted.filter((entry) => !acceptedBreaking.includes(entry));
  const dangerous = findDangerousChanges(before, after).map(asChange).sort(byDescription);
  const brokenOperations = validateOperations(after, operations);
  return {
    ok: breaking.length === 0 && brokenOperations.length === 0,
    breaking,
    acceptedBreaking,
    dangerous,
    brokenOperations,
    unmatchedAcceptances,
  };
}

/** The check as people read it in a terminal or a CI log. */
export function formatSchemaCheck(check: SchemaCheck): string {
  const lines: string[] = [];
  const section = (title: string, items: string[]) => {
    if (items.length > 0) lines.push(title, ...items.map((item) => `  ${item}`), '');
  };
  section(
    'Breaking changes (not accepted):',
    check.breaking.map((c) => `${c.type}: ${c.description}`),
  );
  section(
    'Breaking changes accepted in schema/accepted-changes.json:',
    check.acceptedBreaking.map((c) => `${c.type}: ${c.description} (reason: ${c.reason})`),
  );
  section(
    'Dangerous changes (reported, not failing):',
    check.dangerous.map((c) => `${c.type}: ${c.description}`),
  );
  section(
    'Persisted operations in schema/operations that would no longer validate:',
    check.brokenOperations.flatMap(({ name, errors }) => errors.map((e) => `${name}: ${e}`)),
  );
  section(
    'Accepted changes that match no change here (remove them once the supergraph is committed):',
    check.unmatchedAcceptances.map((c) => `${c.type}: ${c.description}`),
  );
  if (check.breaking.length > 0) {
    const entries = check.breaking.map((c) => ({ ...c, reason: '' }));
    lines.push(
      'To accept them, add these entries to schema/accepted-changes.json and fill in each reason:',
      JSON.stringify(entries, null, 2),
      '',
    );
  }
  const counts = `${check.breaking.length} breaking not accepted, ${check.acceptedBreaking.length} accepted, ${check.dangerous.length} dangerous, ${check.brokenOperations.length} persisted operations broken`;
  lines.push(`schema check ${check.ok ? 'passed' : 'FAILED'}: ${counts}`);
  return lines.join('\n');
}

const asChange = ({ type, description }: SchemaChange): SchemaChange => ({ type, description });

// graphql-js reports in schema order; sorting keeps the output stable when types move around
const byDescription = (a: SchemaChange, b: SchemaChange) =>
  a.description < b.description ? -1 : a.description > b.description ? 1 : 0;
