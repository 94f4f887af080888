/**
 * Strict JSON input, read by jsonc-parser (the parser behind VS Code's JSON support) into plain
 * values that keep where each one is written: reader.ts reads them as it reads a YAML document.
 * JSON is YAML 1.2 and the yaml library reads it correctly, but it takes several times as long on
 * the large machine-made files JSON usually comes in (`kubectl get ... -o json`, generated
 * models), so strict JSON gets this reader.
 *
 * jsonc-parser's `visit` reports each value with its offset as it scans (SAX style); the values
 * are collected here into objects and arrays that hold their entries in the order written and one
 * offset per entry. That is what the reader needs, in a fraction of the memory of jsonc-parser's
 * own tree (`parseTree`, an object per value with its parent, length and children).
 *
 * Text that is not strict JSON (YAML flow style such as `{a: b}`, a trailing comma, a syntax
 * error) is not handled here: the caller reads it as YAML, which reads it or reports the error in
 * its usual words.
 */
import {visit} from 'jsonc-parser';

/** A JSON object: its keys and values in the order written (a key written twice is there twice). */
export class JsonObject {
  constructor(
    /** Where the object is written (its "{"). */
    readonly offset: number,
    readonly keys: string[],
    readonly values: JsonValue[],
    /** Where each key is written (its opening quote). */
    readonly keyOffsets: number[],
    /** Where each value is written (its first character). */
    readonly valueOffsets: number[],
  ) {}
}

/** A JSON array: its items in order, with where each is written. */
export class JsonArray {
  constructor(
    /** Where the array is written (its "["). */
    readonly offset: number,
    readonly items: JsonValue[],
    /** Where each item is written (its first character). */
    readonly offsets: number[],
  ) {}
}

/** A JSON value as read: objects and arrays keep positions; a scalar's position is in its holder. */
export type JsonValue = JsonObject | JsonArray | string | number | boolean | null;

/** Whether the text starts (after white space) as a JSON object or array. */
export function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text);
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/** A key written a second time in one JSON object, which the API server refuses. */
export interface DuplicateKey {
  key: string;
  /** Where the second one is written (an offset in the text). */
  offset: number;
}

/** A strict JSON text read into positioned values. */
export interface JsonDocument {
  /** The top-level object or array (looksLikeJson lets no other text here). */
  root: JsonObject | JsonArray;
  duplicates: DuplicateKey[];
}

/** Strict JSON nested deeper than the parser's call stack reaches. */
export const TOO_DEEP = 'too-deep';

/** Thrown from the visitor at the first syntax error, to stop reading text that is not strict JSON. */
const NOT_STRICT = Symbol('not strict JSON');

/**
 * Reads `text` as strict JSON. Returns undefined when it is not strict JSON, and TOO_DEEP when
 * it nests deeper than the parser can follow (neither parser can then read it).
 */
export function readJson(text: string): JsonDocument | typeof TOO_DEEP | undefined {
  const builder = new Builder();
  try {
    visit(
      text,
      {
        onObjectBegin: (offset) => builder.open(offset, true),
        onObjectProperty: (key, offset) => builder.key(key, offset),
        onObjectEnd: () => builder.close(),
        onArrayBegin: (offset) => builder.open(offset, false),
        onArrayEnd: () => builder.close(),
        onLiteralValue: (value: string | number | boolean | null, offset) => builder.add(value, offset),
        onError: () => {
          throw NOT_STRICT;
        },
      },
      {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false},
    );
  } catch (error) {
    if (error === NOT_STRICT) return undefined;
    // The parser recurses once per level of nesting, as the yaml library does.
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
  const root = builder.root;
  if (!(root instanceof JsonObject || root instanceof JsonArray)) return undefined;
  return {root, duplicates: builder.duplicates.sort((a, b) => a.offset - b.offset)};
}

/** An object or array whose end is not yet read. */
interface Open {
  offset: number;
  isObject: boolean;
  /** Where its keys and values begin in the Builder's lists. */
  firstKey: number;
  firstValue: number;
}

/**
 * Collects the visitor's calls into JsonObjects and JsonArrays. The entries of the objects and
 * arrays still open are kept in four lists, innermost last; when one ends, its entries are copied
 * out into arrays of their exact size (an array grown by push keeps room for more, which on
 * hundreds of thousands of small objects adds up to tens of megabytes).
 */
class Builder {
  root: JsonValue | undefined;
  readonly duplicates: DuplicateKey[] = [];
  private readonly stack: Open[] = [];
  private readonly keys: string[] = [];
  private readonly keyOffsets: number[] = [];
  private readonly values: JsonValue[] = [];
  private readonly valueOffsets: number[] = [];

  /** Starts an object or array, written at `offset`. */
  open(offset: number, isObject: boolean): void {
    this.stack.push({offset, isObject, firstKey: this.keys.length, firstValue: this.values.length});
  }

  /** A key of the innermost object, written at `offset`; its value comes next. */
  key(key: string, offset: number): void {
    this.keys.push(key);
    this.keyOffsets.push(offset);
  }

  /** A value written at `offset`: the next item of the innermost array, or the value of the last key. */
  add(value: JsonValue, offset: number): void {
    if (this.stack.length === 0) this.root = value;
    else {
      this.values.push(value);
      this.valueOffsets.push(offset);
    }
  }

  /** Ends the innermost object or array, which becomes a value of the one holding it. */
  close(): void {
    const {offset, isObject, firstKey, firstValue} = this.stack.pop()!;
    const values = takeFrom(this.values, firstValue);
    const valueOffsets = takeFrom(this.valueOffsets, firstValue);
    if (!isObject) return this.add(new JsonArray(offset, values, valueOffsets), offset);
    const object = new JsonObject(offset, takeFrom(this.keys, firstKey), values, takeFrom(this.keyOffsets, firstKey), valueOffsets);
    this.findDuplicates(object);
    this.add(object, offset);
  }

  /** Records each key of `object` written a second time (walked key by key only when there is one). */
  private findDuplicates(object: JsonObject): void {
    const keys = object.keys;
    if (keys.length < 2 || new Set(keys).size === keys.length) return;
    const seen = new Set<string>();
    keys.forEach((key, i) => {
      if (seen.has(key)) this.duplicates.push({key, offset: object.keyOffsets[i]});
      seen.add(key);
    });
  }
}

/** Removes the entries of `list` from index `start` on and returns them. */
function takeFrom<T>(list: T[], start: number): T[] {
  const taken = list.slice(start);
  list.length = start;
  return taken;
}
