/**
 * A fast reader for the plain subset of YAML that policies are written in (block mappings and
 * sequences, one-line flow collections, plain and quoted one-line scalars, comments), producing
 * the same `yaml` nodes (Scalar, YAMLMap, YAMLSeq, Pair) with the same start offsets as
 * `parseAllDocuments` would. Anything outside that subset (anchors, tags, block scalars,
 * multi-line scalars or flows, empty values, escapes, duplicate keys, tabs, CRs, syntax errors...)
 * makes it return undefined, and the caller parses the whole text with the `yaml` library, which
 * then reports positions and errors as before. The `yaml` library's generator-based lexer and
 * composer cost about 1 ms per policy; this reader about 20 times less (issue 3 "Speed").
 * tests/policy/fast-yaml.test.ts checks it against the library node for node.
 */
import {Pair, Scalar, YAMLMap, YAMLSeq, type Node} from 'yaml';

/** One document as the reader uses it: its root node and (always no) errors. */
export interface FastDocument {
  contents: Node | null;
  errors: never[];
}

/** Thrown to give up on the fast path. */
const BAIL = new Error('fast-yaml: outside the subset');

/** Core schema resolution of a plain scalar, for the forms the subset accepts. */
function plainValue(s: string): string | number | boolean | null {
  const c = s.charCodeAt(0);
  // Digits, signs and dots may start a number in any of the core schema's forms: decimal
  // integers are taken, the other numeric forms (octal, hex, floats) are left to the library.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
    if (/^0o[0-7]+$|^0x[0-9a-fA-F]+$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$|^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) throw BAIL;
    return s;
  }
  switch (s) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  return s;
}

function scalar(value: unknown, start: number, end: number, type: Scalar.Type): Scalar {
  const s = new Scalar(value);
  s.range = [start, end, end];
  s.type = type;
  return s;
}

/** Characters that may not start a plain scalar here (or start something the subset leaves out). */
function badStart(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return c === 45 || c === 63 || c === 58 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125 || c === 35 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 39 || c === 34 || c === 37 || c === 64 || c === 96;
}

class Reader {
  /** Content lines of the text: start offset, indentation and end offset (before the newline). */
  private starts: number[] = [];
  private indents: number[] = [];
  private ends: number[] = [];
  /** Line index -> document separator (`---`). */
  private separator: boolean[] = [];
  private i = 0;

  constructor(private readonly text: string) {}

  read(): FastDocument[] {
    const t = this.text;
    let start = 0;
    while (start <= t.length) {
      let end = t.indexOf('\n', start);
      if (end < 0) end = t.length;
      let j = start;
      while (j < end && t.charCodeAt(j) === 32) j++;
      if (j < end && t.charCodeAt(j) !== 35) {
        const line = t.slice(j, end);
        if (j === start && line.startsWith('---')) {
          if (line.length > 3 && !/^---\s*(#.*)?$/.test(line)) throw BAIL;
          this.push(start, 0, end, true);
        } else {
          if (j === start && (line.startsWith('...') || t.charCodeAt(j) === 37)) throw BAIL;
          this.push(start, j - start, end, false);
        }
      }
      start = end + 1;
    }
    // Documents: content before the first separator (if any), then one per separator.
    const docs: FastDocument[] = [];
    const n = this.starts.length;
    if (n === 0) throw BAIL;
    let first = true;
    while (this.i < n) {
      if (this.separator[this.i]) {
        this.i++;
        first = false;
        // An empty document: the library gives it a null node somewhere; left to it.
        if (this.i >= n || this.separator[this.i]) throw BAIL;
      } else if (!first) throw BAIL;
      first = false;
      if (this.indents[this.i] !== 0) throw BAIL;
      const root = this.block(-1);
      docs.push({contents: root, errors: []});
      if (this.i < n && !this.separator[this.i]) throw BAIL;
    }
    return docs;
  }

  private push(start: number, indent: number, end: number, sep: boolean): void {
    this.starts.push(start);
    this.indents.push(indent);
    // Trailing spaces are not content.
    const t = this.text;
    while (end > start && t.charCodeAt(end - 1) === 32) end--;
    this.ends.push(end);
    this.separator.push(sep);
  }

  /** More content lines in this document? */
  private more(): boolean {
    return this.i < this.starts.length && !this.separator[this.i];
  }

  /** A block collection starting at the current line, which is indented more than `parent`. */
  private block(parent: number): Node {
    const col = this.indents[this.i];
    if (col <= parent) throw BAIL;
    const at = this.starts[this.i] + col;
    if (this.isDash(at)) return this.seq(col, at);
    if (this.keyEnd(at) >= 0) return this.map(col, at);
    throw BAIL;
  }

  /** `-` followed by a space or the end of the line. */
  private isDash(p: number): boolean {
    const t = this.text;
    if (t.charCodeAt(p) !== 45) return false;
    const c = t.charCodeAt(p + 1);
    return p + 1 >= this.ends[this.i] || c === 32;
  }

  /**
   * If a mapping key starts at `p` (on the current line), the offset just after its `:`;
   * otherwise -1.
   */
  private keyEnd(p: number): number {
    const t = this.text;
    const end = this.ends[this.i];
    const c = t.charCodeAt(p);
    let q: number;
    if (c === 34 || c === 39) {
      q = t.indexOf(String.fromCharCode(c), p + 1);
      if (q < 0 || q >= end) return -1;
      q++;
    } else {
      if (badStart(c)) return -1;
      q = p;
      for (;;) {
        q = t.indexOf(':', q);
        if (q < 0 || q >= end) return -1;
        if (q + 1 === end || t.charCodeAt(q + 1) === 32) break;
        q++;
      }
    }
    if (t.charCodeAt(q) !== 58) return -1;
    if (q + 1 < end && t.charCodeAt(q + 1) !== 32) return -1;
    return q + 1;
  }

  /** A key scalar from `p` to its `:` (at `colon`). */
  private key(p: number, colon: number): Scalar {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === 34 || c === 39) {
      const [s, q] = this.quoted(p, colon);
      if (q !== colon) throw BAIL;
      return s;
    }
    let e = colon;
    while (e > p && t.charCodeAt(e - 1) === 32) e--;
    const raw = t.slice(p, e);
    if (!/^[A-Za-z0-9_./][-A-Za-z0-9_./:]*$/.test(raw)) throw BAIL;
    return scalar(plainValue(raw), p, e, 'PLAIN');
  }

  /** A block mapping whose first key is at `at` (column `col`) on the current line. */
  private map(col: number, at: number): YAMLMap {
    const m = new YAMLMap();
    m.range = [at, at, at];
    const seen = new Set<unknown>();
    let p = at;
    for (;;) {
      const after = this.keyEnd(p);
      if (after < 0) throw BAIL;
      const k = this.key(p, after - 1);
      if (seen.has(k.value)) throw BAIL;
      seen.add(k.value);
      const v = this.valueAfter(after, col, true);
      m.items.push(new Pair(k, v));
      if (!this.more() || this.indents[this.i] < col) break;
      if (this.indents[this.i] > col) throw BAIL;
      p = this.starts[this.i] + col;
      if (this.isDash(p)) throw BAIL; // `- ` at a mapping's own column: an error the library reports
    }
    return m;
  }

  /** A block sequence whose first `-` is at `at` (column `col`) on the current line. */
  private seq(col: number, at: number): YAMLSeq {
    const s = new YAMLSeq();
    s.range = [at, at, at];
    let p = at;
    for (;;) {
      if (!this.isDash(p)) throw BAIL;
      let q = p + 1;
      const t = this.text;
      const end = this.ends[this.i];
      while (q < end && t.charCodeAt(q) === 32) q++;
      s.items.push(this.itemAt(q, col));
      if (!this.more() || this.indents[this.i] < col) break;
      if (this.indents[this.i] > col) throw BAIL;
      p = this.starts[this.i] + col;
      if (!this.isDash(p)) break;
    }
    return s;
  }

  /** The content of a sequence item starting at `q` on the current line (the `-` at column `col`). */
  private itemAt(q: number, col: number): Node {
    const end = this.ends[this.i];
    if (q >= end || this.text.charCodeAt(q) === 35) {
      // `-` alone: the item is on the following lines.
      this.i++;
      if (!this.more()) throw BAIL;
      return this.block(col);
    }
    const itemCol = q - this.starts[this.i];
    if (this.isDash(q)) return this.seq(itemCol, q);
    if (this.keyEnd(q) >= 0) return this.map(itemCol, q);
    return this.inline(q, col);
  }

  /**
   * The value after a key's `:` at `p`, for a mapping at column `col`: on this line, or a block
   * on the following lines (a sequence may sit at the mapping's own column).
   */
  private valueAfter(p: number, col: number, inMap: boolean): Node {
    const t = this.text;
    const end = this.ends[this.i];
    while (p < end && t.charCodeAt(p) === 32) p++;
    if (p >= end || t.charCodeAt(p) === 35) {
      this.i++;
      if (!this.more()) throw BAIL; // an empty value: left to the library
      const c = this.indents[this.i];
      if (c > col) return this.block(col);
      if (inMap && c === col && this.isDash(this.starts[this.i] + c)) return this.seq(c, this.starts[this.i] + c);
      throw BAIL;
    }
    return this.inline(p, col);
  }

  /** A one-line value (flow collection, quoted or plain scalar) at `p`; ends the current line. */
  private inline(p: number, col: number): Node {
    const t = this.text;
    const end = this.ends[this.i];
    const c = t.charCodeAt(p);
    let node: Node;
    let q: number;
    if (c === 123 || c === 91) [node, q] = this.flow(p, end);
    else if (c === 34 || c === 39) [node, q] = this.quoted(p, end);
    else {
      if (badStart(c) && !(c === 45 && p + 1 < end && t.charCodeAt(p + 1) !== 32)) throw BAIL;
      // A comment starts at ` #` (searched within the line only).
      let e = p;
      while (e < end && !(t.charCodeAt(e) === 35 && t.charCodeAt(e - 1) === 32)) e++;
      while (e > p && t.charCodeAt(e - 1) === 32) e--;
      const raw = t.slice(p, e);
      if (raw.includes(': ') || raw.endsWith(':') || raw.includes('\t')) throw BAIL;
      node = scalar(plainValue(raw), p, e, 'PLAIN');
      q = e;
    }
    while (q < end && t.charCodeAt(q) === 32) q++;
    if (q < end && t.charCodeAt(q) !== 35) throw BAIL;
    if (q < end && t.charCodeAt(q - 1) !== 32) throw BAIL;
    this.i++;
    // A more indented line after a one-line value would continue it (or be an error).
    if (this.more() && this.indents[this.i] > col) throw BAIL;
    return node;
  }

  /** A quoted scalar at `p` that closes before `end`: the node and the offset after it. */
  private quoted(p: number, end: number): [Scalar, number] {
    const t = this.text;
    const quote = t.charCodeAt(p);
    let out = '';
    let q = p + 1;
    for (;;) {
      if (q >= end) throw BAIL;
      const c = t.charCodeAt(q);
      if (c === quote) {
        if (quote === 39 && t.charCodeAt(q + 1) === 39) {
          out += "'";
          q += 2;
          continue;
        }
        break;
      }
      if (quote === 34 && c === 92) {
        const e = t[q + 1];
        if (e === '\\' || e === '"' || e === '/') out += e;
        else if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else throw BAIL;
        q += 2;
        continue;
      }
      out += t[q];
      q++;
    }
    return [scalar(out, p, q + 1, quote === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE'), q + 1];
  }

  /** A flow collection at `p` closing before `end`: the node and the offset after it. */
  private flow(p: number, end: number): [Node, number] {
    const t = this.text;
    const isMap = t.charCodeAt(p) === 123;
    const close = isMap ? 125 : 93;
    const node = isMap ? new YAMLMap() : new YAMLSeq();
    node.flow = true;
    const seen = new Set<unknown>();
    let q = p + 1;
    const skip = () => {
      while (q < end && t.charCodeAt(q) === 32) q++;
      if (q >= end) throw BAIL;
    };
    for (;;) {
      skip();
      if (t.charCodeAt(q) === close) break;
      if (isMap) {
        const [k, kq] = this.flowNode(q, end, true);
        q = kq;
        skip();
        if (t.charCodeAt(q) !== 58) throw BAIL;
        q++;
        if (q < end && t.charCodeAt(q) !== 32 && !(k as Scalar).type?.startsWith('QUOTE')) throw BAIL;
        if (seen.has((k as Scalar).value)) throw BAIL;
        seen.add((k as Scalar).value);
        skip();
        const [v, vq] = this.flowNode(q, end, false);
        q = vq;
        (node as YAMLMap).items.push(new Pair(k, v));
      } else {
        const [v, vq] = this.flowNode(q, end, false);
        q = vq;
        (node as YAMLSeq).items.push(v);
      }
      skip();
      const c = t.charCodeAt(q);
      if (c === 44) {
        q++;
        continue;
      }
      if (c === close) break;
      throw BAIL;
    }
    node.range = [p, q + 1, q + 1];
    return [node, q + 1];
  }

  /** A node inside a flow collection: a nested flow, a quoted or a plain scalar. */
  private flowNode(p: number, end: number, isKey: boolean): [Node, number] {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === 123 || c === 91) {
      if (isKey) throw BAIL;
      return this.flow(p, end);
    }
    if (c === 34 || c === 39) return this.quoted(p, end);
    if (badStart(c) && !(c === 45 && p + 1 < end && /[0-9A-Za-z]/.test(t[p + 1]))) throw BAIL;
    let q = p;
    for (; q < end; q++) {
      const d = t.charCodeAt(q);
      if (d === 44 || d === 93 || d === 125 || d === 58) break;
      if (d === 91 || d === 123 || d === 35 || d === 9) throw BAIL;
    }
    if (q >= end) throw BAIL;
    if (t.charCodeAt(q) === 58 && !isKey) throw BAIL;
    let e = q;
    while (e > p && t.charCodeAt(e - 1) === 32) e--;
    if (e === p) throw BAIL;
    return [scalar(plainValue(t.slice(p, e)), p, e, 'PLAIN'), q];
  }
}

/**
 * Reads `text` if it is within the subset: the documents and the offsets where lines start (what
 * the library's LineCounter records). Undefined otherwise.
 */
export function fastParseDocuments(text: string): {docs: FastDocument[]; lineStarts: number[]} | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  let docs: FastDocument[];
  try {
    docs = new Reader(text).read();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return {docs, lineStarts};
}
