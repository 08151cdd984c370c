import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PROJECT_ROOT } from '@ordergraph/shared/paths';
import {
  GraphQLError,
  Kind,
  parse,
  print,
  Source,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';

export const OPERATIONS_DIR = join(PROJECT_ROOT, 'schema/operations');

/** One `.graphql` file of operations and fragments; `file` names it in messages. */
export interface OperationSource {
  file: string;
  text: string;
}

/** A named operation with the fragments it uses, as one self-contained document. */
export interface CollectedOperation {
  name: string;
  type: `${OperationTypeNode}`;
  file: string;
  /** the operation and its fragments, nodes kept from the source files (so errors point there) */
  document: DocumentNode;
  /** the normalized text: what is hashed, stored in the manifest and executed */
  body: string;
}

/** Thrown when the operation files cannot make a manifest; `problems` says what and where. */
export class InvalidOperationsError extends Error {
  constructor(readonly problems: string[]) {
    const list = problems.map((problem) => `  - ${problem.replaceAll('\n', '\n    ')}`);
    super(`Invalid persisted operations:\n${list.join('\n')}`);
    this.name = 'InvalidOperationsError';
  }
}

/** Reads every `.graphql` file under the directory, in a stable order, named from the project root. */
export function readOperationSources(dir: string = OPERATIONS_DIR): OperationSource[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => relative(PROJECT_ROOT, join(dir, file)).split(sep).join('/'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(PROJECT_ROOT, file), 'utf8') }));
}

/**
 * Parses the sources into named operations, each with the fragments it uses (from any file).
 * Refuses syntax errors, anonymous operations, duplicate names and fragments nothing uses.
 */
export function collectOperations(sources: OperationSource[]): CollectedOperation[] {
  const problems: string[] = [];
  const operations: { node: OperationDefinitionNode; file: string }[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { file, text } of sources) {
    let document: DocumentNode;
    try {
      document = parse(new Source(text, file));
    } catch (error) {
      problems.push(String(error)); // a GraphQLError prints its file, line and column
      continue;
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        const name = definition.name?.value;
        if (!name) problems.push(`${file}: every persisted operation needs a name`);
        else if (operations.some((o) => o.node.name?.value === name))
          problems.push(`${file}: operation name "${name}" is used twice`);
        else operations.push({ node: definition, file });
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const name = definition.name.value;
        if (fragments.has(name)) problems.push(`${file}: fragment name "${name}" is used twice`);
        else fragments.set(name, definition);
      } else {
        problems.push(
          `${file}: only operations and fragments belong here, found ${definition.kind}`,
        );
      }
    }
  }

  const used = new Set<string>();
  const collected = operations.map(({ node, file }) => {
    const own = fragmentsUsedBy(node, fragments);
    for (const fragment of own) used.add(fragment.name.value);
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [node, ...own] };
    return { name: node.name!.value, type: node.operation, file, document, body: print(document) };
  });
  for (const name of fragments.keys())
    if (!used.has(name)) problems.push(`fragment "${name}" is used by no operation`);

  if (problems.length > 0) throw new InvalidOperationsError(problems);
  return collected.sort((a, b) => compare(a.name, b.name));
}

/**
 * The normalized body of one operation of a document (the named one, or the only one): the
 * operation, then the fragments it uses by name, printed by graphql-js. Whitespace, comments,
 * definition order and unused fragments do not change it, so equal operations hash equally.
 */
export function normalizeOperation(text: string, operationName?: string): string {
  const document = parse(text);
  const candidates = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? candidates.find((d) => d.name?.value === operationName)
    : candidates.length === 1
      ? candidates[0]
      : undefined;
  if (!operation)
    throw new GraphQLError(
      operationName
        ? `Unknown operation named "${operationName}".`
        : 'Must provide operation name if query contains multiple operations.',
    );
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return print({
    kind: Kind.DOCUMENT,
    definitions: [operation, ...fragmentsUsedBy(operation, fragments)],
  });
}

// transitively, sorted by name; unknown spreads are left for validation to report
function fragmentsUsedBy(
  root: OperationDefinitionNode | FragmentDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const pending = [root];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !found.has(fragment.name.value)) {
          found.set(fragment.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...found.values()].sort((a, b) => compare(a.name.value, b.name.value));
}

// code-point order, so the result does not depend on the machine's locale
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
