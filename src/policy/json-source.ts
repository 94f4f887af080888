/**
 * Strict JSON input, read without the YAML parser. JSON is YAML 1.2, and the YAML parser reads it
 * correctly, but it builds a positioned node for every value and takes close to a hundred times
 * as long as JSON.parse on a large file. Machine-made input is JSON (`kubectl get ... -o json`,
 * generated models such as the benchmark's 1,000 pods and 500 policies), so JSON gets a path of
 * its own:
 *
 * - the values come from JSON.parse;
 * - a key written twice in one object, which JSON.parse would silently drop and the API server
 *   refuses, shows as more keys written (colons outside strings) than parsed; only then does a
 *   pass of jsonc-parser's scanner (the parser VS Code uses for JSON) say where;
 * - positions are found only when something asks for one (an error, an explanation): the first
 *   request parses the text once more with jsonc-parser's positioned tree.
 *
 * Text that JSON.parse refuses (YAML flow style such as `{a: b}`, a trailing comma, a syntax
 * error) is not handled here: the caller reads it as YAML, which reads it or reports the error in
 * its usual words.
 */
import {findNodeAtLocation, parseTree, visit, type Node as JsonNode, type Segment} from 'jsonc-parser';
import {LineCounter} from 'yaml';
import type {SourceRef} from './types';

/** Whether the text starts (after white space) as a JSON object or array. */
export function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text);
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/** A key written twice in one JSON object: where the second one is (an offset in the text). */
export interface DuplicateKey {
  key: string;
  offset: number;
}

/** A strict JSON text read as plain data, with its duplicate keys and a way to find positions. */
export interface JsonRead {
  value: unknown;
  duplicates: DuplicateKey[];
  positions: JsonPositions;
}

/** Reads `text` as strict JSON, or returns undefined when JSON.parse refuses it. */
export function readJson(text: string): JsonRead | undefined {
  let value: unknown;
  let duplicates: DuplicateKey[];
  try {
    value = JSON.parse(text);
    duplicates = findDuplicateKeys(text, value);
  } catch {
    // Not JSON; or, for the scanner, nesting deeper than the call stack: the YAML parser decides.
    return undefined;
  }
  return {value, duplicates, positions: new JsonPositions(text)};
}

/**
 * Every key written a second time in the same object, in the order of the text. JSON.parse keeps
 * one property per key, so the text has a duplicate exactly when it writes more keys than the
 * parsed value has properties. Counting both costs a fraction of a scanner pass, which runs only
 * when the counts differ, to say where the duplicates are.
 *
 * Keys are counted by their colons: in JSON a colon outside a string follows a key and nothing
 * else, so the keys written are the colons of the text less those inside strings. Without the
 * escape \u003a, a colon inside a string in the text is one in the parsed strings. A duplicate
 * drops a key and a value from the parsed data, and with them only colons that were inside
 * strings: the count then comes out higher, never equal.
 */
function findDuplicateKeys(text: string, value: unknown): DuplicateKey[] {
  if (!/\\u003[aA]/.test(text)) {
    const {properties, colonsInStrings} = tally(value);
    if (countColons(text) - colonsInStrings === properties) return [];
  }
  return locateDuplicateKeys(text);
}

/** How many times ":" occurs in a text. */
function countColons(text: string): number {
  let n = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) n++;
  return n;
}

/** The properties of a parsed value, and the colons in its keys and strings. */
function tally(value: unknown): {properties: number; colonsInStrings: number} {
  // With a stack of its own: JSON.parse reads nesting deeper than the call stack allows.
  let properties = 0;
  let colonsInStrings = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') colonsInStrings += countColons(v);
    else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        properties++;
        colonsInStrings += countColons(key);
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return {properties, colonsInStrings};
}

/** Where each duplicate key is, by one pass of jsonc-parser's scanner. */
function locateDuplicateKeys(text: string): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  const open: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => void open.push(new Set()),
    onObjectEnd: () => void open.pop(),
    onObjectProperty: (key, offset) => {
      const keys = open[open.length - 1];
      if (keys.has(key)) duplicates.push({key, offset});
      else keys.add(key);
    },
  });
  return duplicates;
}

/**
 * Finds where a value of the text is written, by its path (keys and indices from the root). The
 * positioned tree and the line table are built on the first request and kept.
 */
export class JsonPositions {
  private tree: JsonNode | undefined | null;
  private lines: LineCounter | undefined;

  constructor(private readonly text: string) {}

  /**
   * Line and column (1-based) of an offset. Lines end at "\n" only, as the yaml parser counts them
   * (jsonc-parser's own line numbers also break at a lone "\r").
   */
  lineColAt(offset: number): {line: number; col: number} {
    if (!this.lines) {
      this.lines = new LineCounter();
      // As the yaml parser fills it: the first line starts at 0, each other one after a "\n".
      this.lines.addNewLine(0);
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.lines.addNewLine(i + 1);
    }
    return this.lines.linePos(offset);
  }

  /** Line and column (1-based) of the value at `path`, or of its key when `key` is set. */
  lineCol(path: readonly Segment[], key: boolean): {line: number; col: number} {
    const node = this.nodeAt(path);
    const property = node?.parent?.type === 'property' ? node.parent : undefined;
    return this.lineColAt(key && property?.children ? property.children[0].offset : (node?.offset ?? 0));
  }

  /**
   * The keys of the object at `path` in the order written. Object.keys puts keys that read as
   * array indices ("7") first, so messages about such an object follow the text only this way.
   */
  keysAsWritten(path: readonly Segment[]): string[] | undefined {
    const node = this.nodeAt(path);
    return node?.type === 'object' ? (node.children ?? []).map((property) => property.children![0].value as string) : undefined;
  }

  private nodeAt(path: readonly Segment[]): JsonNode | undefined {
    if (this.tree === undefined) {
      try {
        this.tree = parseTree(this.text, [], {disallowComments: true}) ?? null;
      } catch {
        // Nesting deeper than the parser's call stack: positions fall back to the start.
        this.tree = null;
      }
    }
    return this.tree ? findNodeAtLocation(this.tree, path as Segment[]) : undefined;
  }

  /**
   * A SourceRef whose line and column are found when first read. They are own enumerable
   * properties (getters), so spreading, JSON.stringify and deep equality see them as plain fields.
   */
  sourceRef(file: string, where: () => {path: readonly Segment[]; key: boolean}): SourceRef {
    let at: {line: number; col: number} | undefined;
    const locate = () => {
      if (!at) {
        const {path, key} = where();
        at = this.lineCol(path, key);
      }
      return at;
    };
    return {
      file,
      get line() {
        return locate().line;
      },
      get col() {
        return locate().col;
      },
    };
  }
}
