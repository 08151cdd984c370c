import {
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
} from 'graphql';

/** `@listSize` of a field, as the demand-control spec defines it. */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** The `@cost` and `@listSize` directives of a supergraph, by schema coordinate. */
export interface CostDirectives {
  /**
   * `@cost(weight:)` of a type (`Type`), a field or input field (`Type.field`) or an argument
   * (`Type.field(argument:)`)
   */
  weight(coordinate: string): number | undefined;
  listSize(coordinate: string): ListSize | undefined;
}

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d+\.\d+$/;

/**
 * Reads the demand-control directives a supergraph carries (subgraphs importing `@cost` and
 * `@listSize` from federation v2.9+ make composition link the cost spec). Without the spec's
 * `@link`, or without a supergraph, there are none and the estimate uses its defaults.
 */
export function readCostDirectives(supergraphSdl: string | undefined): CostDirectives {
  const weights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  const lookup: CostDirectives = {
    weight: (coordinate) => weights.get(coordinate),
    listSize: (coordinate) => listSizes.get(coordinate),
  };
  if (!supergraphSdl) return lookup;
  const document = parse(supergraphSdl);
  const names = directiveNames(document);
  if (!names) return lookup;

  const record = (coordinate: string, directives: readonly ConstDirectiveNode[] = []) => {
    for (const directive of directives) {
      const args = Object.fromEntries(
        (directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
      ) as Record<string, unknown>;
      if (directive.name.value === names.cost && typeof args['weight'] === 'number') {
        weights.set(coordinate, args['weight']);
      } else if (directive.name.value === names.listSize) {
        listSizes.set(coordinate, {
          ...(typeof args['assumedSize'] === 'number' ? { assumedSize: args['assumedSize'] } : {}),
          ...(Array.isArray(args['slicingArguments'])
            ? { slicingArguments: args['slicingArguments'] as string[] }
            : {}),
          ...(Array.isArray(args['sizedFields'])
            ? { sizedFields: args['sizedFields'] as string[] }
            : {}),
        });
      }
    }
  };
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.SCALAR_TYPE_DEFINITION &&
      definition.kind !== Kind.ENUM_TYPE_DEFINITION &&
      definition.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION
    ) {
      continue;
    }
    const type = definition.name.value;
    record(type, definition.directives);
    for (const field of 'fields' in definition ? (definition.fields ?? []) : []) {
      const coordinate = `${type}.${field.name.value}`;
      record(coordinate, field.directives);
      for (const argument of 'arguments' in field ? (field.arguments ?? []) : []) {
        record(`${coordinate}(${argument.name.value}:)`, argument.directives);
      }
    }
  }
  return lookup;
}

/** the names the supergraph gives the spec's directives (`@link` may rename them) */
function directiveNames(document: DocumentNode): { cost: string; listSize: string } | null {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) {
      continue;
    }
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const args = Object.fromEntries(
        (directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
      ) as { url?: unknown; as?: unknown; import?: unknown };
      if (typeof args.url !== 'string' || !COST_SPEC.test(args.url)) continue;
      const prefix = typeof args.as === 'string' ? args.as : 'cost';
      const names = { cost: prefix, listSize: `${prefix}__listSize` };
      for (const entry of Array.isArray(args.import) ? (args.import as unknown[]) : []) {
        const { name, as } =
          typeof entry === 'string'
            ? { name: entry, as: entry }
            : (entry as { name: string; as?: string });
        const local = (as ?? name).replace(/^@/, '');
        if (name === '@cost') names.cost = local;
        if (name === '@listSize') names.listSize = local;
      }
      return names;
    }
  }
  return null;
}
