import type { Viewer } from '@ordergraph/shared/identity';
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
} from 'graphql';

/** What a field or type asks of its caller (Apollo's `@authenticated` and `@requiresScopes`). */
export interface Requirement {
  authenticated: boolean;
  /** one entry per `@requiresScopes`: each is satisfied by holding every scope of one inner list */
  scopes: readonly (readonly (readonly string[])[])[];
}

/** Who is asking: signed in or not, and the scopes held (roles and token scopes). */
export interface Access {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

/** The directive applications of a supergraph, by type and by `Type.field`. */
export interface SupergraphRequirements {
  ofType(typeName: string): Requirement | undefined;
  ofField(typeName: string, fieldName: string): Requirement | undefined;
  /** false when the supergraph applies neither directive: nothing is ever checked */
  readonly any: boolean;
}

const SPECS = {
  authenticated: 'https://specs.apollo.dev/authenticated/',
  requiresScopes: 'https://specs.apollo.dev/requiresScopes/',
} as const;

/** Reads where the supergraph applies `@authenticated` and `@requiresScopes`. */
export function readRequirements(supergraphSdl: string): SupergraphRequirements {
  const document = parse(supergraphSdl);
  const names = directiveNames(document);
  const types = new Map<string, Requirement>();
  const fields = new Map<string, Requirement>();
  const requirementOf = (directives: readonly ConstDirectiveNode[] | undefined) => {
    let found: Requirement | undefined;
    for (const directive of directives ?? []) {
      if (directive.name.value === names.authenticated) {
        found = { authenticated: true, scopes: found?.scopes ?? [] };
      } else if (directive.name.value === names.requiresScopes) {
        const argument = directive.arguments?.find((a) => a.name.value === 'scopes');
        const alternatives = argument ? scopeLists(argument.value) : [];
        found = {
          authenticated: found?.authenticated ?? false,
          scopes: [...(found?.scopes ?? []), alternatives],
        };
      }
    }
    return found;
  };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const own = requirementOf(definition.directives as readonly ConstDirectiveNode[]);
    if (own) types.set(typeName, merge(types.get(typeName), own) ?? own);
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const requirement = requirementOf(field.directives);
      if (requirement) fields.set(`${typeName}.${field.name.value}`, requirement);
    }
  }
  return {
    ofType: (typeName) => types.get(typeName),
    ofField: (typeName, fieldName) => fields.get(`${typeName}.${fieldName}`),
    any: types.size > 0 || fields.size > 0,
  };
}

/** Both requirements at once (either may be missing). */
export function merge(a: Requirement | undefined, b: Requirement | undefined) {
  if (!a || !b) return a ?? b;
  return { authenticated: a.authenticated || b.authenticated, scopes: [...a.scopes, ...b.scopes] };
}

/** null when the caller meets the requirement, else the error code of the refusal. */
export function refusal(
  requirement: Requirement | undefined,
  access: Access,
): 'UNAUTHENTICATED' | 'FORBIDDEN' | null {
  if (!requirement) return null;
  const met =
    (!requirement.authenticated || access.authenticated) &&
    requirement.scopes.every((alternatives) =>
      alternatives.some((all) => all.every((scope) => access.scopes.has(scope))),
    );
  if (met) return null;
  return access.authenticated ? 'FORBIDDEN' : 'UNAUTHENTICATED';
}

/**
 * The access of a caller: each role is a scope, and so is each scope of the token's `scope`
 * claim. A caller without a subject, roles, client or token scopes is anonymous.
 */
export function accessOf(viewer: Viewer, tokenScopes: readonly string[] = []): Access {
  const scopes = new Set<string>([...viewer.roles, ...tokenScopes]);
  return {
    authenticated: viewer.subject !== null || Boolean(viewer.client) || scopes.size > 0,
    scopes,
  };
}

/** A stable key of an access, for caches. */
export const accessKey = (access: Access) =>
  `${access.authenticated ? 'a' : '-'}:${[...access.scopes].sort().join(' ')}`;

// the names the supergraph gives the directives: `@link(url:, as:)` may rename them
function directiveNames(document: DocumentNode) {
  const names: Record<keyof typeof SPECS, string | null> = {
    authenticated: null,
    requiresScopes: null,
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) {
      continue;
    }
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const argument = (name: string) => {
        const value = directive.arguments?.find((a) => a.name.value === name)?.value;
        return value?.kind === Kind.STRING ? value.value : undefined;
      };
      const url = argument('url') ?? '';
      for (const [name, prefix] of Object.entries(SPECS) as [keyof typeof SPECS, string][]) {
        if (url.startsWith(prefix)) names[name] = (argument('as') ?? name).replace(/^@/, '');
      }
    }
  }
  return names;
}

function scopeLists(value: ConstValueNode): string[][] {
  if (value.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST
      ? inner.values.flatMap((scope) => (scope.kind === Kind.STRING ? [scope.value] : []))
      : [],
  );
}
