/**
 * Strict JSON input, read by jsonc-parser (the parser behind VS Code's JSON support) into plain
 * values that keep where each one is written: reader.ts reads them as it reads a YAML document.
 * JSON is YAML 1.2 and the yaml library reads it correctly, but it takes several times as long on
 * the large machine-made files JSON usually comes in (`kubectl get ... -o json`, generated
 * models), so strict JSON gets this reader.
 *
 * jsonc-parser's `visit` reports each value with its offset as it scans (SAX style); the values
 * are collected here into objects and arrays whose entries (each value, and where it and its key
 * are written) are kept in tables for the whole document. That is what the reader needs, in a
 * fraction of the memory of jsonc-parser's own tree (`parseTree`, an object per value with its
 * parent, length and children): on a 13 MB file, about 30 MB rather than 200 MB.
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
    /** Shared with other objects that have the same keys: read it, never change it. */
    readonly keys: string[],
    /** The document's entries: key i's is entry `first + i`. */
    private readonly entries: Entries,
    private readonly first: number,
  ) {}

  /** The value of key i. */
  value(i: number): JsonValue {
    return this.entries.values[this.first + i];
  }

  /** Where key i is written (its opening quote). */
  keyOffset(i: number): number {
    return this.entries.keyOffsets[this.first + i];
  }

  /** Where the value of key i is written (its first character). */
  valueOffset(i: number): number {
    return this.entries.valueOffsets[this.first + i];
  }
}

/** A JSON array: its items in order. */
export class JsonArray {
  constructor(
    /** Where the array is written (its "["). */
    readonly offset: number,
    readonly length: number,
    /** The document's entries: item i is entry `first + i`. */
    private readonly entries: Entries,
    private readonly first: number,
  ) {}

  /** Item i. */
  item(i: number): JsonValue {
    return this.entries.values[this.first + i];
  }

  /** Where item i is written (its first character). */
  itemOffset(i: number): number {
    return this.entries.valueOffsets[this.first + i];
  }
}

/** A JSON value as read: objects and arrays keep positions; a scalar's position is in its holder. */
export type JsonValue = JsonObject | JsonArray | string | number | boolean | null;

/**
 * The entries of a document, each member of an object and each item of an array, in tables of
 * their own rather than in an array per object: a 13 MB file has about 200,000 objects and arrays
 * and 800,000 entries, and an array per object was as many more objects for the garbage
 * collector to copy while the document grows. The entries of one object or array are
 * consecutive. An Int32Array holds any offset of a string, whose length is below 2^30.
 */
class Entries {
  readonly values: JsonValue[] = [];
  valueOffsets = new Int32Array(1024);
  /** Where each entry's key is written; -1 for an item of an array. */
  keyOffsets = new Int32Array(1024);

  /** Appends the entries `from..to` of the working lists; returns the number of the first. */
  append(work: WorkingEntries, from: number, to: number): number {
    const first = this.values.length;
    if (first + (to - from) > this.valueOffsets.length) {
      const size = Math.max(2 * this.valueOffsets.length, first + (to - from));
      this.valueOffsets = grown(this.valueOffsets, size, first);
      this.keyOffsets = grown(this.keyOffsets, size, first);
    }
    for (let i = from; i < to; i++) {
      this.values.push(work.values[i]);
      this.valueOffsets[first + i - from] = work.valueOffsets[i];
      this.keyOffsets[first + i - from] = work.keyOffsets[i];
    }
    return first;
  }
}

/** A copy of the first `used` numbers of `table` in a table of `size`. */
function grown(table: Int32Array<ArrayBuffer>, size: number, used: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(size);
  copy.set(table.subarray(0, used));
  return copy;
}

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
        onLiteralValue: (value: string | number | boolean | null, offset) => builder.value(value, offset),
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

/** An object or array whose end is not yet read, and where its keys and entries begin in the Builder's working lists. */
interface Open {
  offset: number;
  isObject: boolean;
  firstKey: number;
  firstEntry: number;
}

/**
 * The entries of the objects and arrays still open, innermost last: each value with where it and
 * its key are written. An object or array is an entry of the one holding it from its start (its
 * value is filled in when it ends).
 */
interface WorkingEntries {
  values: JsonValue[];
  valueOffsets: number[];
  keyOffsets: number[];
}

/**
 * Collects the visitor's calls into JsonObjects and JsonArrays. The keys and entries of the
 * objects and arrays still open are kept in working lists, innermost last; when one ends, its
 * entries are copied into the document's Entries, and its keys into an array of their exact size
 * (an array grown by push keeps room for more, which on hundreds of thousands of small objects
 * adds up to tens of megabytes), or into the array of an object before it with the same keys.
 */
class Builder {
  root: JsonValue | undefined;
  readonly duplicates: DuplicateKey[] = [];
  private readonly entries = new Entries();
  private readonly stack: Open[] = [];
  private readonly keys = new WorkList<string>();
  private readonly work = {values: new WorkList<JsonValue>(), valueOffsets: new WorkList<number>(), keyOffsets: new WorkList<number>()};
  /**
   * Each string as first read: the same keys come back in every object, and the same values in
   * many (a namespace, a label, a protocol), so one string is held for each rather than one per
   * time it is written.
   */
  private readonly strings = new Map<string, string>();
  /**
   * The keys of the last object read, by its first key: objects that follow one another often
   * have the same keys (every pod, every port of every container), and then share one array.
   */
  private readonly lastKeys = new Map<string, string[]>();
  /** Where the key of the next value is written, when that value is a member of an object. */
  private pendingKeyOffset = -1;

  /** Starts an object or array written at `offset` (a value of the one open, if any). */
  open(offset: number, isObject: boolean): void {
    // Its place among the entries of the one holding it; its value is set when it ends.
    if (this.stack.length > 0) this.addEntry(null, offset);
    this.stack.push({offset, isObject, firstKey: this.keys.size, firstEntry: this.work.values.size});
  }

  /** A key of the innermost object, written at `offset`; its value comes next. */
  key(key: string, offset: number): void {
    this.keys.push(this.once(key));
    this.pendingKeyOffset = offset;
  }

  /** A scalar written at `offset`: the next item of the innermost array, or the value of the last key. */
  value(value: JsonValue, offset: number): void {
    if (typeof value === 'string') value = this.once(value);
    if (this.stack.length === 0) this.root = value;
    else this.addEntry(value, offset);
  }

  /** Ends the innermost object or array, which becomes the value of its entry in the one holding it. */
  close(): void {
    const {offset, isObject, firstKey, firstEntry} = this.stack.pop()!;
    const {values, valueOffsets, keyOffsets} = this.work;
    const count = values.size - firstEntry;
    const first = this.entries.append({values: values.items, valueOffsets: valueOffsets.items, keyOffsets: keyOffsets.items}, firstEntry, values.size);
    values.size = valueOffsets.size = keyOffsets.size = firstEntry;
    let done: JsonObject | JsonArray;
    if (isObject) {
      done = new JsonObject(offset, this.keysFrom(firstKey), this.entries, first);
      this.findDuplicates(done);
    } else done = new JsonArray(offset, count, this.entries, first);
    if (this.stack.length === 0) this.root = done;
    else values.items[values.size - 1] = done;
  }

  /** Adds an entry to the innermost object or array: its value, where it is written, and where its key is. */
  private addEntry(value: JsonValue, offset: number): void {
    this.work.values.push(value);
    this.work.valueOffsets.push(offset);
    this.work.keyOffsets.push(this.stack[this.stack.length - 1].isObject ? this.pendingKeyOffset : -1);
  }

  /** Removes the keys from index `first` on and returns them, in the array of the last object with the same keys if there is one. */
  private keysFrom(first: number): string[] {
    const {items, size} = this.keys;
    const last = this.lastKeys.get(items[first]);
    this.keys.size = first;
    if (size > first && last?.length === size - first && last.every((key, i) => key === items[first + i])) return last;
    const keys = items.slice(first, size);
    if (keys.length > 0) this.lastKeys.set(keys[0], keys);
    return keys;
  }

  /** The string equal to `s` read first. */
  private once(s: string): string {
    const first = this.strings.get(s);
    if (first !== undefined) return first;
    this.strings.set(s, s);
    return s;
  }

  /**
   * Records each key of `object` written a second time. Most objects have a few keys, which are
   * compared with those before them; a set is made only for objects with many.
   */
  private findDuplicates(object: JsonObject): void {
    const keys = object.keys;
    const seen = keys.length > 16 ? new Set<string>() : undefined;
    keys.forEach((key, i) => {
      if (seen ? seen.has(key) : keys.indexOf(key) < i) this.duplicates.push({key, offset: object.keyOffset(i)});
      seen?.add(key);
    });
  }
}

/**
 * A list added to at its end and cut back to an earlier size. It keeps its room when cut:
 * shortening a JS array (`length = n`) makes V8 shrink its storage, which is slow when done
 * hundreds of thousands of times.
 */
class WorkList<T> {
  readonly items: T[] = [];
  size = 0;

  push(item: T): void {
    this.items[this.size++] = item;
  }

}
