/**
 * The supergraph links @authenticated and @requiresScopes `for: SECURITY`, as composition and
 * rover write it: a router that does not enforce them must refuse the file. @apollo/gateway and
 * the federation libraries refuse every such link they do not know, these two included, yet
 * this router enforces both itself (src/authorization, before planning). So the libraries get
 * the SDL with those two purposes dropped; every other SECURITY link still stops them.
 */
export function enforcedByTheRouter(supergraphSdl: string): string {
  return supergraphSdl.replace(ENFORCED_SECURITY_LINK, '$1)');
}

const ENFORCED_SECURITY_LINK =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"(?:, import: \[[^\]]*\])?), for: SECURITY\)/g;
