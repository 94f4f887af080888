/**
 * A strict reader over a parsed document that keeps positions: every value knows where it was
 * written and its path (`spec.ingress[0].toPorts`), so a validation error can say
 * `file:line:col: what is wrong; what would be right`. YAML is read by the yaml library into
 * positioned nodes; strict JSON by jsonc-parser into plain values whose objects and arrays hold
 * the offset of each entry (json-source.ts: much faster on large machine-made files), and text
 * that is not strict JSON goes to the YAML parser (YAML 1.2 is a superset of JSON). Val reads
 * both with one set of rules and messages.
 */
import {isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit, YAMLParseError, type Alias, type Document, type Node, type Pair} from 'yaml';
import type {Segment} from 'jsonc-parser';
import {closest, errorAt, listNames} from './errors';
import {looksLikeJson, readJson, TOO_DEEP, type JsonDocument, type JsonKind} from './json-source';
import {LineStarts} from './line-starts';
import type {PolicyError, SourceRef} from './types';

/** Val's names for the kinds of a JSON document's values (json-source.ts). */
const JSON_KINDS: Record<JsonKind, 'map' | 'seq' | 'scalar'> = {object: 'map', array: 'seq', scalar: 'scalar'};

/** One parsed document plus where errors go. */
export interface ReadContext {
  file: string;
  lines: LineStarts;
  errors: PolicyError[];
  /** Each alias (`*name`) to the node its anchor (`&name`) marks; empty when the text has none. */
  aliases: Map<Alias, Node>;
  /** The document, when the text was strict JSON: nodes are then its value numbers, not the yaml library's nodes. */
  json?: JsonDocument;
}

/** A document of the text: its root (a yaml node, or the number of the JSON document's top-level value) and its errors. */
export interface SourceDocument {
  contents: unknown;
  errors: readonly unknown[];
}

/**
 * The yaml library's default limit on alias expansion (DocumentOptions.maxAliasCount): beyond
 * it, `toJS` refuses the document as a resource exhaustion attack ("billion laughs").
 */
const MAX_ALIAS_COUNT = 100;

/** Parses a (multi-document) YAML or JSON text. Syntax errors are reported in `errors`. */
export function readDocuments(text: string, file: string, errors: PolicyError[]): {ctx: ReadContext; docs: SourceDocument[]} {
  const lines = new LineStarts(text);
  const json = looksLikeJson(text) ? readJson(text) : undefined;
  if (json === TOO_DEEP) {
    errors.push(errorAt({file, line: 1, col: 1}, 'too-deep', 'this JSON text nests arrays and objects deeper than the reader can follow (thousands of levels); no Kubernetes object needs that, so check how the file was made'));
    return {ctx: {file, lines, errors, aliases: new Map()}, docs: []};
  }
  if (json) {
    for (const d of json.duplicates) errors.push(errorAt({file, ...lines.linePos(d.offset)}, 'duplicate-key', duplicateKeyMessage(d.key)));
    return {ctx: {file, lines, errors, aliases: new Map(), json}, docs: [{contents: json.root, errors: json.duplicates}]};
  }
  const ctx: ReadContext = {file, lines, errors, aliases: new Map()};
  const parsed = parseAllDocuments(text, {prettyErrors: false, uniqueKeys: true});
  // An empty stream has no documents (parseAllDocuments returns an EmptyStream, not an array).
  const docs = Array.isArray(parsed) ? parsed : [];
  const aliasErrors = new Map<Document.Parsed, YAMLParseError>();
  // An alias is written `*name`: without a "*" in the text there is none to resolve (the check
  // keeps the common case free of an extra walk over every document).
  if (text.includes('*')) for (const doc of docs) if (doc.errors.length === 0) resolveAliases(doc, ctx, aliasErrors);
  for (const doc of docs) {
    for (const e of doc.errors) {
      const at = lines.linePos(e.pos[0]);
      const duplicate = e.code === 'DUPLICATE_KEY';
      const key = duplicate ? scalarAt(doc, e.pos[0]) : undefined;
      errors.push(
        errorAt(
          {file, line: at.line, col: at.col},
          duplicate ? 'duplicate-key' : 'yaml-syntax',
          duplicate ? duplicateKeyMessage(key ?? text.slice(e.pos[0], e.pos[1])) : `YAML syntax error: ${firstLine(e.message)}; fix the syntax at this position`,
        ),
      );
    }
  }
  // Recorded on the document too, so that callers which skip documents with errors skip it.
  for (const [doc, e] of aliasErrors) doc.errors.push(e);
  return {ctx, docs};
}

/** The message for a key written twice in one mapping. */
function duplicateKeyMessage(key: string): string {
  return `the key ${JSON.stringify(key)} is written twice in the same mapping; keep one of them`;
}

/** The value of the scalar written at `offset` (the yaml library reports a duplicate key by its start). */
function scalarAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Scalar: (_key, node) => {
      if (node.range?.[0] === offset) {
        found = String(node.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Maps every alias of `doc` to its anchored node (the last anchor of that name before the alias,
 * as Alias.resolve does) and applies the library's alias-count limit: `doc.toJS` with
 * maxAliasCount throws for a document whose aliases expand exponentially, and for an alias with
 * no anchor before it. Either is reported at the first alias, and the document is not read.
 */
function resolveAliases(doc: Document.Parsed, ctx: ReadContext, failed: Map<Document.Parsed, YAMLParseError>): void {
  const anchored = new Map<string, Node>();
  let first: Alias | undefined;
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        first ??= node;
        const target = anchored.get(node.source);
        if (target) ctx.aliases.set(node, target);
      } else if (node.anchor) anchored.set(node.anchor, node as Node);
    },
  });
  if (!first) return;
  const at = first.range?.[0] ?? 0;
  let message: string | undefined;
  try {
    doc.toJS({maxAliasCount: MAX_ALIAS_COUNT});
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    message = /Excessive alias count/.test(e.message)
      ? `the YAML aliases of this document expand past the reader's limit (maxAliasCount ${MAX_ALIAS_COUNT}), which it refuses as a resource exhaustion attack ("billion laughs"); write the values out or use fewer aliases`
      : `an alias *${unresolvedName(e.message) ?? first.source} has no anchor &${unresolvedName(e.message) ?? first.source} before it; mark the value it repeats with &${unresolvedName(e.message) ?? first.source} first`;
  }
  if (message === undefined) return;
  const pos = ctx.lines.linePos(at);
  ctx.errors.push(errorAt({file: ctx.file, line: pos.line, col: pos.col}, 'yaml-alias', message));
  failed.set(doc, new YAMLParseError([at, at + 1], 'BAD_ALIAS', message));
}

function unresolvedName(message: string): string | undefined {
  return /: (\S+)$/.exec(message)?.[1];
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** A key and its value in a mapping, as Val.entries gives them. */
interface Entry {
  /** The key's text; undefined for a key that is not a scalar (YAML allows `[a]: b`). */
  name: string | undefined;
  value: Val;
}

/**
 * A value in the document with its path and position; absent values point at their parent.
 *
 * Each value knows the value holding it and its key or index there, so its path
 * (`spec.ingress[0].toPorts`) is built only for a message.
 *
 * An alias (`matchLabels: *labels`) reads as the node its anchor marks, as kubectl reads it.
 * Positions: an error about the aliased value as a whole (its type, a missing field) points at
 * the alias use, where it was put in this place; an error about something inside it (a key, an
 * item) points at the anchored text, where that key or item is written and must be fixed. The
 * path is always the path of the use (`spec.podSelector.matchLabels`).
 */
export class Val {
  /**
   * A yaml node (YAML), or a json-source.ts value (JSON, where null is a value written `null`);
   * undefined, or null for YAML, when absent.
   */
  readonly node: unknown;
  /** Where an alias was used, when this value came through one. */
  private readonly aliasOffset: number | undefined;

  constructor(
    readonly ctx: ReadContext,
    node: unknown,
    /** The value holding this one; undefined for a document's root. */
    readonly parent: Val | undefined,
    /** This value's key or index in `parent`. */
    readonly segment: Segment | undefined,
    /**
     * Where the value is written, for JSON (a JSON scalar does not carry its position: its
     * holder does). For YAML, and for an absent value, the offset to report when the node has
     * none (the parent's start, or the key's).
     */
    private readonly at = 0,
    /** The key of a mapping entry rather than its value (an unknown field is reported at its key). */
    private readonly isKey = false,
  ) {
    if (!ctx.json && isAlias(node)) {
      this.aliasOffset = node.range?.[0];
      this.node = ctx.aliases.get(node) ?? null;
    } else {
      this.node = node;
      this.aliasOffset = undefined;
    }
  }

  /** The root value of a document. */
  static root(ctx: ReadContext, doc: SourceDocument): Val {
    return new Val(ctx, doc.contents, undefined, undefined, 0);
  }

  /** Where this value is, for messages: `spec.ingress[0].toPorts` (a key has its mapping's path). */
  get path(): string {
    const base = this.parent ? this.parent.path : '';
    if (this.isKey || this.segment === undefined) return base;
    if (typeof this.segment === 'number') return `${base}[${this.segment}]`;
    return base ? `${base}.${this.segment}` : this.segment;
  }

  /** Offset of this value in the text (the alias use for an aliased value; the parent's when absent). */
  get offset(): number {
    if (this.aliasOffset !== undefined) return this.aliasOffset;
    if (this.ctx.json) return this.at;
    return (this.node as Node | null | undefined)?.range?.[0] ?? this.at;
  }

  /** Position of this value (or of its parent when absent). */
  get pos(): SourceRef {
    const {line, col} = this.ctx.lines.linePos(this.offset);
    return {file: this.ctx.file, line, col};
  }

  /** What kind of value this is, in either format. */
  private get kind(): 'map' | 'seq' | 'scalar' | 'none' {
    const n = this.node;
    const json = this.ctx.json;
    if (json) return n === undefined ? 'none' : JSON_KINDS[json.kind(n as number)];
    return isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? 'scalar' : 'none';
  }

  /** True for a missing field and for an explicit null (`field:` with nothing after it). */
  get absent(): boolean {
    return this.node == null || (this.kind === 'scalar' && this.scalar() === null);
  }

  get isMap(): boolean {
    return this.kind === 'map';
  }

  get isSeq(): boolean {
    return this.kind === 'seq';
  }

  /** Records an error at this value. Returns undefined so callers can `return v.fail(...)`. */
  fail(code: string, message: string): undefined {
    this.ctx.errors.push(errorAt(this.pos, code, message));
    return undefined;
  }

  /** Describes the value for messages: `a list`, `the text "x"`, `the number 3`. */
  describe(): string {
    const kind = this.kind;
    if (kind === 'map') return 'a mapping';
    if (kind === 'seq') return 'a list';
    if (kind === 'scalar') {
      const v = this.scalar();
      if (v === null) return 'nothing';
      if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
      return `${typeof v === 'number' ? 'the number' : 'the value'} ${String(v)}`;
    }
    return 'nothing';
  }

  /** The value of an absent field `key` of this mapping, positioned at the mapping. */
  missing(key: string): Val {
    return new Val(this.ctx, undefined, this, key, this.offset);
  }

  /** The keys and values of a mapping, in the order written, unchecked; empty for a value that is not a mapping. */
  entries(): Entry[] {
    const out: Entry[] = [];
    this.eachEntry((name, value) => out.push({name, value}));
    return out;
  }

  /**
   * Calls `visit` with each key and value of a mapping, in the order written (nothing for a
   * value that is not a mapping), and the entry's index, for `key` (to report an error at the key).
   */
  private eachEntry(visit: (name: string | undefined, value: Val, index: number) => void): void {
    const names = this.keyNames();
    const json = this.ctx.json;
    if (json && names.length > 0) {
      // One walk over the entries: finding each one by its index walks the entries before it.
      json.children(this.node as number).forEach((value, i) => visit(names[i], this.jsonChild(value, names[i]), i));
      return;
    }
    names.forEach((name, i) => visit(name, this.entryValue(i, name), i));
  }

  /** The key of each entry of a mapping, in the order written (undefined for a key that is not a scalar); empty for a value that is not a mapping. */
  private keyNames(): readonly (string | undefined)[] {
    if (this.kind !== 'map') return [];
    if (this.ctx.json) return this.ctx.json.keys(this.node as number);
    return (this.node as Node & {items: Pair<Node, Node>[]}).items.map((item) => (isScalar(item.key) ? String(item.key.value) : undefined));
  }

  /** The value of entry `index` of a mapping, whose key is `name`. */
  entryValue(index: number, name: string | undefined): Val {
    if (this.ctx.json) return this.jsonChild(this.ctx.json.child(this.node as number, index), name);
    const item = (this.node as Node & {items: Pair<Node, Node>[]}).items[index];
    return new Val(this.ctx, item.value, this, name ?? '', this.key(index).offset);
  }

  /** A value inside this JSON object or array, by its number in the document, at its key or index `segment`. */
  private jsonChild(value: number, segment: Segment | undefined): Val {
    return new Val(this.ctx, value, this, segment, this.ctx.json!.offset(value));
  }

  /**
   * The key of entry `index` of a mapping, as a value of its own. Made only when needed (to
   * report an error at the key): a large JSON file has hundreds of thousands of keys.
   */
  private key(index: number): Val {
    const json = this.ctx.json;
    if (json) {
      // A JSON key is not a value of the document: its Val carries where it is written.
      return new Val(this.ctx, undefined, this, undefined, json.keyOffset(json.child(this.node as number, index)), true);
    }
    const item = (this.node as Node & {items: Pair<Node, Node>[]}).items[index];
    return new Val(this.ctx, item.key, this, undefined, this.offset, true);
  }

  /**
   * Reads a mapping whose keys must be among `allowed`; unknown keys are errors (strict, like
   * the API server's field validation). Returns a field accessor, or undefined if not a mapping.
   */
  fields(allowed: readonly string[], what: string): Fields | undefined {
    if (this.kind !== 'map') return this.fail('wrong-type', `${this.path || 'the document'} must be a mapping (${what}), not ${this.describe()}`);
    const names = this.keyNames();
    // Checked here; the values are made when the fields are read (a large JSON file has hundreds
    // of thousands of entries, and a value made for each one up front was a third of the reading).
    let known: readonly (string | undefined)[] = names;
    names.forEach((key, index) => {
      if (key !== undefined && allowed.includes(key)) return;
      if (key === undefined) {
        this.key(index).fail('wrong-type', `keys of ${this.path || 'the document'} must be plain names`);
      } else {
        const hint = closest(key, allowed);
        this.key(index).fail(
          'unknown-field',
          `unknown field "${key}" in ${this.path || 'the document'} (${what}); ` +
            (hint ? `did you mean "${hint}"?` : `allowed fields are ${listNames(allowed)}`),
        );
      }
      // The fields read are the allowed ones only (a copy: JSON objects share their key lists).
      if (known === names) known = [...names];
      (known as (string | undefined)[])[index] = undefined;
    });
    return new Fields(this, known);
  }

  /** Reads a list; `null` (an empty `field:`) reads as no list. */
  items(what: string): Val[] | undefined {
    if (this.absent) return undefined;
    if (this.kind !== 'seq') return this.fail('wrong-type', `${this.path} must be a list (${what}), not ${this.describe()}`);
    const json = this.ctx.json;
    if (json) return json.children(this.node as number).map((value, i) => this.jsonChild(value, i));
    const start = this.offset;
    return (this.node as Node & {items: Node[]}).items.map((n, i) => new Val(this.ctx, n, this, i, n?.range?.[0] ?? start));
  }

  /** Reads a string (numbers and booleans are refused: Kubernetes would refuse them too). */
  string(what: string): string | undefined {
    const v = this.scalar();
    if (typeof v === 'string') return v;
    if (this.absent) return undefined;
    return this.fail('wrong-type', `${this.path} must be text (${what}), not ${this.describe()}`);
  }

  /** Reads a whole number in [min, max]. */
  int(what: string, min: number, max: number): number | undefined {
    const v = this.scalar();
    if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= min && v <= max) return v;
      return this.fail('out-of-range', `${this.path} must be a whole number from ${min} to ${max} (${what}), not ${v}`);
    }
    if (this.absent) return undefined;
    return this.fail('wrong-type', `${this.path} must be a number (${what}), not ${this.describe()}`);
  }

  /** Reads a boolean. */
  bool(what: string): boolean | undefined {
    const v = this.scalar();
    if (typeof v === 'boolean') return v;
    if (this.absent) return undefined;
    return this.fail('wrong-type', `${this.path} must be true or false (${what}), not ${this.describe()}`);
  }

  /** Reads one of a fixed set of strings. */
  oneOf<T extends string>(choices: readonly T[], what: string, code = 'invalid-value'): T | undefined {
    const s = this.string(what);
    if (s === undefined) return undefined;
    if ((choices as readonly string[]).includes(s)) return s as T;
    const hint = closest(s, choices);
    return this.fail(
      code,
      `${this.path} is ${JSON.stringify(s)}, which is not a valid ${what}; use ${listNames(choices.map((c) => JSON.stringify(c)))}` +
        (hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''),
    );
  }

  /**
   * Reads a map of string to string (labels, selectors). `check` returns why a key or a value is
   * refused (the message after the path); refused entries are reported and left out.
   */
  stringMap(what: string, check?: {key?(key: string): string | undefined; value?(value: string): string | undefined}): Record<string, string> | undefined {
    if (this.absent) return undefined;
    if (this.kind !== 'map') return this.fail('wrong-type', `${this.path} must be a mapping of names to text (${what}), not ${this.describe()}`);
    const out: Record<string, string> = {};
    this.eachEntry((name, value, index) => {
      const key = name ?? '';
      const keyProblem = check?.key?.(key);
      if (keyProblem) {
        this.key(index).fail('invalid-label', `${this.path} key ${keyProblem}`);
        return;
      }
      const v = value.scalar();
      if (value.kind === 'scalar' && v !== null && typeof v !== 'object') {
        if (typeof v !== 'string') {
          value.fail('wrong-type', `${value.path} must be text (${what}), not ${value.describe()}; quote it: "${String(v)}"`);
          return;
        }
        const valueProblem = check?.value?.(v);
        if (valueProblem) {
          value.fail('invalid-label', `${value.path} ${valueProblem}`);
          return;
        }
        out[key] = v;
      } else if (value.kind === 'scalar' && v === null) {
        out[key] = '';
      } else {
        value.fail('wrong-type', `${value.path} must be text (${what}), not ${value.describe()}`);
      }
    });
    return out;
  }

  /** The raw scalar value, or undefined for collections and absent values. */
  scalar(): unknown {
    if (this.ctx.json) return this.kind === 'scalar' ? this.ctx.json.scalar(this.node as number) : undefined;
    return isScalar(this.node) ? this.node.value : undefined;
  }

  /** The value as plain data (aliases resolved). */
  toJS(): unknown {
    if (this.ctx.json) return this.node === undefined ? undefined : this.ctx.json.plain(this.node as number);
    if (this.node == null) return undefined;
    if (this.ctx.aliases.size > 0) return plain(this.node, this.ctx.aliases);
    return (this.node as {toJSON?: () => unknown}).toJSON?.() ?? this.scalar();
  }
}

/** The fields of a mapping read by Val.fields. */
export class Fields {
  constructor(
    readonly owner: Val,
    /** The mapping's keys in the order written; undefined in place of a key that was refused. */
    private readonly names: readonly (string | undefined)[],
  ) {}

  /** The field's value; an absent field reads as an absent Val positioned at the mapping. */
  get(key: string): Val {
    // Of a key written twice (an error reported when the text was read), the last one counts.
    const index = this.names.lastIndexOf(key);
    return index === -1 ? this.owner.missing(key) : this.owner.entryValue(index, key);
  }

  /** Whether the field is written (even if empty). */
  has(key: string): boolean {
    return this.names.includes(key);
  }

  /** Whether the field is written with a value (not `field:` alone). */
  present(key: string): boolean {
    return this.has(key) && !this.get(key).absent;
  }

  /** Reports a required field that is missing, at the mapping. */
  require(key: string, what: string): Val | undefined {
    const v = this.get(key);
    if (!v.absent) return v;
    this.owner.fail('missing-field', `${this.owner.path || 'the document'} needs a "${key}" field (${what})`);
    return undefined;
  }
}

/**
 * Plain data of a node whose subtree may hold aliases, as Document.toJS gives it. Bounded: a
 * document reaches here only after readDocuments applied the alias-count limit.
 */
function plain(node: unknown, aliases: Map<Alias, Node>): unknown {
  if (isAlias(node)) return plain(aliases.get(node), aliases);
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const item of node.items as Pair<unknown, unknown>[]) {
      const key = plain(item.key, aliases);
      out[String(key)] = plain(item.value, aliases);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((n) => plain(n, aliases));
  if (isScalar(node)) return node.toJSON();
  return node ?? null;
}
