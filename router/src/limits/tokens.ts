import { Lexer, Source, TokenKind } from 'graphql';

/**
 * Whether a document has more than `max` tokens, counted as graphql-js's `maxTokens` parse
 * option counts them (comments not included). Stops reading at the first token too many; a
 * document that does not lex is left for the parser to report.
 */
export function exceedsTokens(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) return true;
    }
  } catch {
    return false;
  }
  return false;
}
