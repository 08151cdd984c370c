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
