import {
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from './fragments.js';

/** What the static request limits measure of one operation, with fragments expanded. */
export interface OperationShape {
  /** the deepest nesting of fields: `{ a }` is 1, `{ a { b } }` is 2 */
  depth: number;
  /** aliased fields, each time its fragment is spread */
  aliases: number;
  /** fields selected at the root, aliases of the same field counted apart */
  rootFields: number;
}

interface Measure {
  depth: number;
  aliases: number;
  fields: number;
}

/**
 * Measures an operation. A fragment is measured once and reused wherever it is spread, so
 * documents that spread fragments many times cost linear time; a fragment that spreads itself
 * (invalid anyway) counts as empty where it recurs.
 */
export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationShape {
  const fragments = fragmentsOf(document);
  const measured = new Map<string, Measure>();
  const visiting = new Set<string>();

  const measure = (selectionSet: SelectionSetNode): Measure => {
    const total: Measure = { depth: 0, aliases: 0, fields: 0 };
    const add = (inner: Measure) => {
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases += inner.aliases;
      total.fields += inner.fields;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? measure(selection.selectionSet) : undefined;
        total.depth = Math.max(total.depth, 1 + (inner?.depth ?? 0));
        total.aliases += (selection.alias ? 1 : 0) + (inner?.aliases ?? 0);
        total.fields += 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(measure(selection.selectionSet));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        let inner = measured.get(name);
        if (!inner) {
          visiting.add(name);
          inner = measure(fragment.selectionSet);
          visiting.delete(name);
          measured.set(name, inner);
        }
        add(inner);
      }
    }
    return total;
  };

  const root = measure(operation.selectionSet);
  return { depth: root.depth, aliases: root.aliases, rootFields: root.fields };
}
