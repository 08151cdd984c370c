import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'SUBSCRIPTION_OVERFLOW';

/** A thrown GraphQL error that always carries `extensions.code`. */
export function codedError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
) {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = (message = 'You must be signed in.') =>
  codedError('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do this.') =>
  codedError('FORBIDDEN', message);

export const notFound = (message: string) => codedError('NOT_FOUND', message);

export const badUserInput = (message: string, field?: string) =>
  codedError('BAD_USER_INPUT', message, field ? { field } : {});

/** An expected business failure returned as data: `{ __typename: 'InvalidInputError', ... }`. */
export function invalidInput(message: string, field?: string) {
  return { __typename: 'InvalidInputError' as const, message, field: field ?? null };
}
