// Offsets to lines and columns (src/policy/line-starts.ts), which every position in a message
// goes through, for YAML and JSON alike.
import {describe, expect, it} from 'vitest';
import {LineCounter, parseAllDocuments} from 'yaml';
import {LineStarts} from '../../src/policy/line-starts';

describe('LineStarts', () => {
  it('gives 1-based lines and columns, a line ending at "\\n"', () => {
    // Lines of 'ab\ncd\r\nef': "ab" from 0, "cd\r" from 3, "ef" from 7.
    const lines = new LineStarts('ab\ncd\r\nef');
    expect(lines.linePos(0)).toEqual({line: 1, col: 1});
    expect(lines.linePos(2)).toEqual({line: 1, col: 3}); // the "\n" ends line 1
    expect(lines.linePos(3)).toEqual({line: 2, col: 1});
    expect(lines.linePos(5)).toEqual({line: 2, col: 3}); // a "\r" stays on its line
    expect(lines.linePos(7)).toEqual({line: 3, col: 1});
    expect(lines.linePos(9)).toEqual({line: 3, col: 3}); // the end of the text
  });

  it('puts the end of a text that ends with "\\n" on the empty line after it', () => {
    expect(new LineStarts('a\n').linePos(2)).toEqual({line: 2, col: 1});
    expect(new LineStarts('').linePos(0)).toEqual({line: 1, col: 1});
  });

  it('finds every offset where the yaml library counts it, block and flow scalars over several lines included', () => {
    const text = 'a: "one\n  two"\nb: |\n  x\n  y\n\nc: [1,\n  2]\n---\nd: 4\n';
    const counter = new LineCounter();
    parseAllDocuments(text, {lineCounter: counter});
    const lines = new LineStarts(text);
    for (let offset = 0; offset <= text.length; offset++) expect(lines.linePos(offset), `offset ${offset}`).toEqual(counter.linePos(offset));
  });
});
