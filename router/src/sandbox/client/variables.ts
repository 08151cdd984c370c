import { Kind, parse, type TypeNode } from 'graphql';

/**
 * A variables object to fill in for an operation: every required variable without a default,
 * with an empty value of its type, so the editor shows what the operation needs.
 */
export function variablesTemplate(body: string): Record<string, unknown> {
  const template: Record<string, unknown> = {};
  for (const definition of parse(body).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.type.kind !== Kind.NON_NULL_TYPE || variable.defaultValue) continue;
      template[variable.variable.name.value] = emptyValue(variable.type.type);
    }
  }
  return template;
}

function emptyValue(type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return emptyValue(type.type);
  if (type.kind === Kind.LIST_TYPE) return [];
  switch (type.name.value) {
    case 'Int':
    case 'Float':
      return 0;
    case 'Boolean':
      return false;
    case 'ID':
    case 'String':
      return '';
    default:
      // an input object or a custom scalar: the docs pane says what goes in
      return {};
  }
}
