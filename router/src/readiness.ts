/** Asks each subgraph's /ready (its database answers); false for any that does not say yes. */
export async function checkSubgraphs(
  urls: Record<string, string>,
): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const readyUrl = new URL('/ready', url);
      const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      return [name, ok] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** What /ready answers: its status and its body. */
export interface Readiness {
  status: 200 | 503;
  body: { ready: boolean; draining: boolean; subgraphs: Record<string, boolean> };
}

/**
 * The router is ready while it can serve: it listens only once its supergraph is loaded, so
 * that leaves not draining. Subgraphs are reported, not required: a subgraph that is down
 * fails the fields it owns on every replica alike, and taking every router out of the load
 * balancer for it would fail the rest of the graph too (issue 16).
 */
export async function readiness({
  draining,
  subgraphUrls,
}: {
  draining: boolean;
  subgraphUrls: Record<string, string>;
}): Promise<Readiness> {
  const subgraphs = await checkSubgraphs(subgraphUrls);
  const ready = !draining;
  return { status: ready ? 200 : 503, body: { ready, draining, subgraphs } };
}
