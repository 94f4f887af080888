/**
 * Strict JSON input, read by jsonc-parser (the parser behind VS Code's JSON support) into a
 * JsonDocument that keeps where each value is written: reader.ts reads it as it reads a YAML
 * document. JSON is YAML 1.2 and the yaml library reads it correctly, but it takes several times
 * as long on the large machine-made files JSON usually comes in (`kubectl get ... -o json`,
 * generated models), so strict JSON gets this reader.
 *
 * jsonc-parser's `visit` reports each value with its offset as it scans (SAX style). The document
 * numbers the values in the order they are written, an object or array before the values in it,
 * and keeps what it knows of each in tables: typed arrays for its kind, where it and its key are
 * written, how many entries it has and where its last one ends, and one plain array for a
 * scalar's value or an object's keys. So a document of a million values is a handful of objects
 * rather than hundreds of thousands: nothing for the garbage collector to copy while it is read,
 * which on the 13 MB model of `npm run bench` took more time than the reading itself, and a
 * fraction of the memory of jsonc-parser's own tree (`parseTree`, an object per value).
 *
 * Text that is not strict JSON (YAML flow style such as `{a: b}`, a trailing comma, a syntax
 * error) is not handled here: the caller reads it as YAML, which reads it or reports the error in
 * its usual words.
 */
import {visit} from 'jsonc-parser';

/** What a value of a JSON document is. */
export type JsonKind = 'object' | 'array' | 'scalar';

/** A scalar as JSON writes it. */
export type JsonScalar = string | number | boolean | null;

/** The kinds as stored, one byte per value. */
const OBJECT = 0;
const ARRAY = 1;
const SCALAR = 2;
const KIND_NAMES: readonly JsonKind[] = ['object', 'array', 'scalar'];

/** A key written a second time in one JSON object, which the API server refuses. */
export interface DuplicateKey {
  key: string;
  /** Where the second one is written (an offset in the text). */
  offset: number;
}

/**
 * A strict JSON text, its values numbered in the order written: the top-level value is 0, and
 * the entries of an object or array follow it, each followed by the values inside it.
 */
export class JsonDocument {
  /** The top-level value (an object or array: looksLikeJson lets no other text here). */
  readonly root = 0;

  constructor(
    private readonly tables: Tables,
    /** Keys written twice in one object, in the order of the text. */
    readonly duplicates: DuplicateKey[],
  ) {}

  kind(value: number): JsonKind {
    return KIND_NAMES[this.tables.kinds[value]];
  }

  /** A scalar's value. */
  scalar(value: number): JsonScalar {
    return this.tables.data[value] as JsonScalar;
  }

  /** An object's keys in the order written (a key written twice is there twice). Shared: read it, never change it. */
  keys(object: number): readonly string[] {
    return this.tables.data[object] as string[];
  }

  /** The values of an object's entries or an array's items, in order. */
  children(container: number): number[] {
    const out: number[] = [];
    for (let child = container + 1, k = 0; k < this.tables.sizes[container]; k++, child = this.tables.ends[child]) out.push(child);
    return out;
  }

  /** The value of entry `index` of an object, or item `index` of an array. */
  child(container: number, index: number): number {
    let child = container + 1;
    for (let k = 0; k < index; k++) child = this.tables.ends[child];
    return child;
  }

  /** Where a value is written (its first character). */
  offset(value: number): number {
    return this.tables.offsets[value];
  }

  /** Where the key of an object's entry is written (its opening quote). */
  keyOffset(entry: number): number {
    return this.tables.keyOffsets[entry];
  }

  /**
   * A value as plain data. Objects have no prototype, so that a key such as "__proto__" is a key
   * like any other (as jsonc-parser's getNodeValue gives them); of a key written twice, the last
   * value is kept.
   */
  plain(value: number): unknown {
    const kind = this.tables.kinds[value];
    if (kind === SCALAR) return this.scalar(value);
    const children = this.children(value);
    if (kind === ARRAY) return children.map((child) => this.plain(child));
    const out: Record<string, unknown> = Object.create(null);
    const keys = this.keys(value);
    children.forEach((child, i) => (out[keys[i]] = this.plain(child)));
    return out;
  }
}

/** Whether the text starts (after white space) as a JSON object or array. */
export function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text);
  return first !== null && (first[0] === '{' || first[0] === '[');
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
        onObjectBegin: (offset) => builder.open(OBJECT, offset),
        onObjectProperty: (key, offset) => builder.key(key, offset),
        onObjectEnd: () => builder.close(),
        onArrayBegin: (offset) => builder.open(ARRAY, offset),
        onArrayEnd: () => builder.close(),
        onLiteralValue: (value: JsonScalar, offset) => builder.scalar(value, offset),
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
  if (builder.tables.count === 0 || builder.tables.kinds[0] === SCALAR) return undefined;
  return new JsonDocument(builder.tables, builder.duplicates.sort((a, b) => a.offset - b.offset));
}

/**
 * What a document knows of each value, by its number. The typed arrays grow by doubling as the
 * values are read.
 */
class Tables {
  count = 0;
  kinds = new Uint8Array(1024);
  offsets = new Int32Array(1024);
  /** Where the key of an object's entry is written; -1 for other values. */
  keyOffsets = new Int32Array(1024);
  /** The number of entries of an object or array (0 for a scalar). */
  sizes = new Int32Array(1024);
  /** The number after the value's last value inside it: where its next sibling is. */
  ends = new Int32Array(1024);
  /** A scalar's value, an object's keys, null for an array. */
  readonly data: unknown[] = [];

  /** Adds a value; returns its number. */
  add(kind: number, offset: number, keyOffset: number, data: unknown): number {
    const value = this.count++;
    if (value === this.kinds.length) {
      this.kinds = grown(this.kinds, new Uint8Array(2 * value));
      this.offsets = grown(this.offsets, new Int32Array(2 * value));
      this.keyOffsets = grown(this.keyOffsets, new Int32Array(2 * value));
      this.sizes = grown(this.sizes, new Int32Array(2 * value));
      this.ends = grown(this.ends, new Int32Array(2 * value));
    }
    this.kinds[value] = kind;
    this.offsets[value] = offset;
    this.keyOffsets[value] = keyOffset;
    this.ends[value] = value + 1;
    this.data.push(data);
    return value;
  }
}

/** `into`, holding a copy of `table` at its start. */
function grown<T extends Uint8Array | Int32Array>(table: T, into: T): T {
  into.set(table);
  return into;
}

/**
 * Adds the visitor's calls to the document's tables. The objects and arrays not yet closed are
 * kept on a stack, innermost last, with where their keys begin in the working list of keys; when
 * an object closes its keys are copied out into an array of their exact size (an array grown by
 * push keeps room for more, which on hundreds of thousands of small objects adds up to tens of
 * megabytes), or it takes the keys array of an object before it with the same keys.
 */
class Builder {
  readonly tables = new Tables();
  readonly duplicates: DuplicateKey[] = [];
  /** The objects and arrays open, innermost last, and where each one's keys begin in `keys`. */
  private readonly openValues = new WorkList<number>();
  private readonly firstKeys = new WorkList<number>();
  private readonly keys = new WorkList<string>();
  /** Where the key of the value that comes next is written, when it is an object's entry. */
  private keyOffset = -1;
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

  /** Starts an object or array written at `offset`. */
  open(kind: typeof OBJECT | typeof ARRAY, offset: number): void {
    const value = this.add(kind, offset, null);
    this.openValues.push(value);
    this.firstKeys.push(this.keys.size);
  }

  /** A key of the innermost object, written at `offset`; its value comes next. */
  key(key: string, offset: number): void {
    this.keys.push(this.once(key));
    this.keyOffset = offset;
  }

  /** A scalar written at `offset`. */
  scalar(value: JsonScalar, offset: number): void {
    this.add(SCALAR, offset, typeof value === 'string' ? this.once(value) : value);
  }

  /** Ends the innermost object or array. */
  close(): void {
    const value = this.openValues.pop();
    const firstKey = this.firstKeys.pop();
    const {tables} = this;
    tables.ends[value] = tables.count;
    if (tables.kinds[value] === OBJECT) {
      tables.data[value] = this.keysFrom(firstKey);
      this.findDuplicates(value);
    }
  }

  /** Adds a value, an entry of the innermost object or array if one is open; returns its number. */
  private add(kind: number, offset: number, data: unknown): number {
    const {tables} = this;
    const holder = this.openValues.size > 0 ? this.openValues.top() : -1;
    const keyOffset = holder !== -1 && tables.kinds[holder] === OBJECT ? this.keyOffset : -1;
    if (holder !== -1) tables.sizes[holder]++;
    return tables.add(kind, offset, keyOffset, data);
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
  private findDuplicates(object: number): void {
    const keys = this.tables.data[object] as string[];
    const seen = keys.length > 16 ? new Set<string>() : undefined;
    let entry = object + 1;
    keys.forEach((key, i) => {
      if (seen ? seen.has(key) : keys.indexOf(key) < i) this.duplicates.push({key, offset: this.tables.keyOffsets[entry]});
      seen?.add(key);
      entry = this.tables.ends[entry];
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

  /** Removes the last item and returns it. */
  pop(): T {
    return this.items[--this.size];
  }

  /** The last item. */
  top(): T {
    return this.items[this.size - 1];
  }
}
