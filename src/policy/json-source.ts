/**
 * Strict JSON input, read by jsonc-parser (the parser behind VS Code's JSON support) in one pass
 * of its `visit` API into a compact positioned tree: objects and arrays with their values and the
 * offset of every key and value. reader.ts reads that tree as it reads a YAML document. JSON is
 * YAML 1.2 and the yaml library reads it correctly, but it takes several times as long on the
 * large machine-made files JSON usually comes in (`kubectl get ... -o json`, generated models), so
 * strict JSON gets this reader.
 *
 * Why not jsonc-parser's own tree (`parseTree`): it makes three objects per property (the
 * property, its key, its value), each with its parent, length and colon offset. On a 13 MB model
 * that tree alone took about 200 MB. Here a value that is no object or array is stored as itself,
 * next to its offset in its container, so a file costs a few bytes per value more than its data.
 *
 * Text that is not strict JSON (YAML flow style such as `{a: b}`, a trailing comma, a syntax
 * error) is not handled here: the caller reads it as YAML, which reads it or reports the error in
 * its usual words.
 */
import {visit} from 'jsonc-parser';

/** Whether the text starts (after white space) as a JSON object or array. */
export function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text);
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/** A JSON value as read: an object, an array, or the string, number, boolean or null itself. */
export type JsonValue = JsonObject | JsonArray | string | number | boolean | null;

/** A JSON object: its entries in the order written. */
export class JsonObject {
  /** Key, offset of the key, value, offset of the value: four slots per entry, in order. */
  readonly entries: unknown[] = [];
  constructor(readonly offset: number) {}

  /** The number of entries. */
  get size(): number {
    return this.entries.length >> 2;
  }
  key(i: number): string {
    return this.entries[i * 4] as string;
  }
  keyOffset(i: number): number {
    return this.entries[i * 4 + 1] as number;
  }
  value(i: number): JsonValue {
    return this.entries[i * 4 + 2] as JsonValue;
  }
  valueOffset(i: number): number {
    return this.entries[i * 4 + 3] as number;
  }
}

/** A JSON array: its items in order. */
export class JsonArray {
  /** Item, offset of the item: two slots per item, in order. */
  readonly slots: unknown[] = [];
  constructor(readonly offset: number) {}

  get length(): number {
    return this.slots.length >> 1;
  }
  item(i: number): JsonValue {
    return this.slots[i * 2] as JsonValue;
  }
  itemOffset(i: number): number {
    return this.slots[i * 2 + 1] as number;
  }
}

/** A key written a second time in one JSON object, which the API server refuses. */
export interface DuplicateKey {
  key: string;
  /** Where the second one is written (an offset in the text). */
  offset: number;
}

/** A strict JSON text read into the positioned tree. */
export interface JsonDocument {
  root: JsonValue;
  /** Offset of the root value. */
  offset: number;
  duplicates: DuplicateKey[];
}

/** Strict JSON nested deeper than the parser's call stack reaches. */
export const TOO_DEEP = 'too-deep';

/**
 * Reads `text` as strict JSON. Returns undefined when it is not strict JSON, and TOO_DEEP when
 * it nests deeper than the parser can follow (neither parser can then read it).
 */
export function readJson(text: string): JsonDocument | typeof TOO_DEEP | undefined {
  const duplicates: DuplicateKey[] = [];
  // The containers being read, innermost last, each with the keys it has seen so far.
  const open: {container: JsonObject | JsonArray; seen?: Set<string>}[] = [];
  // The key read last, waiting for its value.
  let keyName = '';
  let keyOffset = 0;
  let root: {value: JsonValue; offset: number} | undefined;
  let failed = false;
  // The parser makes a new string for each key and value it reads. Machine-made files repeat the
  // same keys and short values (apiVersion, kind, TCP, label values) thousands of times; keeping one
  // copy of each makes the tree several times smaller on a large file.
  const strings = new Map<string, string>();
  const intern = (text: string): string => {
    if (text.length > 64) return text;
    const known = strings.get(text);
    if (known !== undefined) return known;
    strings.set(text, text);
    return text;
  };

  /** Puts a value where it belongs: the pending key of an object, the end of an array, or the root. */
  const place = (value: JsonValue, offset: number) => {
    const top = open[open.length - 1];
    if (!top) root = {value, offset};
    else if (top.container instanceof JsonArray) top.container.slots.push(value, offset);
    else {
      top.container.entries.push(keyName, keyOffset, value, offset);
    }
  };
  const begin = (container: JsonObject | JsonArray) => {
    place(container, container.offset);
    open.push(container instanceof JsonObject ? {container, seen: new Set()} : {container});
  };

  try {
    visit(
      text,
      {
        onObjectBegin: (offset) => begin(new JsonObject(offset)),
        onObjectProperty: (name, offset) => {
          const seen = open[open.length - 1].seen!;
          if (seen.has(name)) duplicates.push({key: name, offset});
          seen.add(name);
          keyName = intern(name);
          keyOffset = offset;
        },
        onObjectEnd: () => void open.pop(),
        onArrayBegin: (offset) => begin(new JsonArray(offset)),
        onArrayEnd: () => void open.pop(),
        onLiteralValue: (value: string | number | boolean | null, offset) => place(typeof value === 'string' ? intern(value) : value, offset),
        onError: () => {
          failed = true;
        },
      },
      {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false},
    );
  } catch (error) {
    // The parser recurses once per level of nesting, as the yaml library does.
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
  if (failed || !root) return undefined;
  return {root: root.value, offset: root.offset, duplicates};
}

/** A value of the tree as plain data (what JSON.parse would give). */
export function jsonToPlain(value: JsonValue): unknown {
  if (value instanceof JsonObject) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < value.size; i++) {
      // As JSON.parse does: "__proto__" is an own property, never the object's prototype.
      Object.defineProperty(out, value.key(i), {value: jsonToPlain(value.value(i)), enumerable: true, writable: true, configurable: true});
    }
    return out;
  }
  if (value instanceof JsonArray) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(jsonToPlain(value.item(i)));
    return out;
  }
  return value;
}
