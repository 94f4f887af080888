// jsonc-parser's scanner as patches/jsonc-parser+3.3.1.patch leaves it: a run of spaces and tabs is
// one token whose value is that run, as upstream builds it character by character
// (microsoft/node-jsonc-parser src/impl/scanner.ts, scanNext), now taken from the text at once.
import {createScanner, SyntaxKind} from 'jsonc-parser';
import {describe, expect, it} from 'vitest';

/** The tokens of `text` with their kind, value, offset and length. */
function tokens(text: string): [SyntaxKind, string, number, number][] {
  const scanner = createScanner(text, false);
  const out: [SyntaxKind, string, number, number][] = [];
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) out.push([kind, scanner.getTokenValue(), scanner.getTokenOffset(), scanner.getTokenLength()]);
  return out;
}

describe('the patched jsonc-parser scanner', () => {
  it('reads a run of spaces and tabs as one trivia token whose value is the run', () => {
    // Punctuation tokens carry no value upstream; strings, numbers and trivia do.
    expect(tokens('{\n  \t "a": \t1}')).toEqual([
      [SyntaxKind.OpenBraceToken, '', 0, 1],
      [SyntaxKind.LineBreakTrivia, '\n', 1, 1],
      [SyntaxKind.Trivia, '  \t ', 2, 4],
      [SyntaxKind.StringLiteral, 'a', 6, 3],
      [SyntaxKind.ColonToken, '', 9, 1],
      [SyntaxKind.Trivia, ' \t', 10, 2],
      [SyntaxKind.NumericLiteral, '1', 12, 1],
      [SyntaxKind.CloseBraceToken, '', 13, 1],
    ]);
  });

  it('ends the run at the end of the text', () => {
    expect(tokens('1   ')).toEqual([
      [SyntaxKind.NumericLiteral, '1', 0, 1],
      [SyntaxKind.Trivia, '   ', 1, 3],
    ]);
  });
});
