import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads a subgraph's schema.graphql (the SDL is the single source of the contract). */
export function loadTypeDefs(path: string | URL): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}
