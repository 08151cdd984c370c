import type { ApolloServerPlugin } from '@apollo/server';
import { requestLogLevel } from '@ordergraph/shared/logging';

export interface RequestLog<Context extends { log: object }> {
  /** notes each request's operation type and errors */
  plugin: ApolloServerPlugin<Context>;
  /** the level of the request's one line: info when it did something, debug otherwise */
  level(context: Context, result: { status: number; durationMs: number }): 'info' | 'debug';
}

/**
 * What the router's line per request needs from Apollo Server: whether the operation was a
 * mutation and whether it failed, so that reads that went well stay at debug.
 */
export function createRequestLog<Context extends { log: object }>(): RequestLog<Context> {
  // plugins see a shallow copy of the context: the request's own child logger is what both share
  const notes = new WeakMap<object, { mutation: boolean; errors: number }>();
  return {
    plugin: {
      async requestDidStart({ contextValue }) {
        const note = { mutation: false, errors: 0 };
        notes.set(contextValue.log, note);
        return {
          async didResolveOperation({ operation }) {
            note.mutation = operation?.operation === 'mutation';
          },
          async didEncounterErrors({ errors }) {
            note.errors += errors.length;
          },
        };
      },
    },
    level(context, { status, durationMs }) {
      const note = notes.get(context.log);
      return requestLogLevel({
        mutation: note?.mutation ?? false,
        errors: (note?.errors ?? 0) + (status >= 400 ? 1 : 0),
        durationMs,
      });
    },
  };
}
