/**
 * Where each line of a text starts, to turn an offset into the 1-based line and column a message
 * shows. A line ends at "\n" (a "\r" before it stays on the line, as in the yaml library's
 * LineCounter, whose `linePos` this matches for such texts).
 *
 * The starts are counted first and then written into an Int32Array: a machine-made JSON file has
 * hundreds of thousands of lines, and growing a plain array a line at a time (LineCounter's
 * `addNewLine`) took several times as long as the rest of the line work.
 */
export class LineStarts {
  private readonly starts: Int32Array;

  constructor(text: string) {
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
    this.starts = new Int32Array(count);
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts[line++] = i + 1;
  }

  /** The 1-based line and column of `offset` (an offset past the end is on the last line). */
  linePos(offset: number): {line: number; col: number} {
    // The last line starting at or before the offset (binary search; starts[0] is 0).
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return {line: low + 1, col: offset - this.starts[low] + 1};
  }
}
