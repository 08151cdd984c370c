/** The headers a client application names itself and its version in (Apollo's client awareness). */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';

/** A header is the caller's to fill: longer values are cut before a log line or span keeps them. */
const MAX_LENGTH = 100;

/** The client application a request says it comes from; null for what it does not say. */
export interface ClientApplication {
  name: string | null;
  version: string | null;
}

/** Reads the client awareness headers of a request (a Headers-like map). */
export function clientApplicationOf(headers: {
  get(name: string): string | null | undefined;
}): ClientApplication {
  const read = (name: string) => headers.get(name)?.slice(0, MAX_LENGTH) || null;
  return { name: read(CLIENT_NAME_HEADER), version: read(CLIENT_VERSION_HEADER) };
}
