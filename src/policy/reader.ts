/**
 * A strict reader over the YAML syntax tree that keeps positions: every value knows where it was
 * written and its path (`spec.ingress[0].toPorts`), so a validation error can say
 * `file:line:col: what is wrong; what would be right`. JSON is read through the same parser
 * (YAML 1.2 is a superset of JSON), so both formats get the same positions and messages.
 */
import {isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair} from 'yaml';
import {closest, errorAt, listNames} from './errors';
import type {PolicyError, SourceRef} from './types';

/** One parsed document plus where errors go. */
export interface ReadContext {
  file: string;
  lines: LineCounter;
  errors: PolicyError[];
}

/** Parses a (multi-document) YAML or JSON text. Syntax errors are reported in `errors`. */
export function readDocuments(text: string, file: string, errors: PolicyError[]): {ctx: ReadContext; docs: Document.Parsed[]} {
  const lines = new LineCounter();
  const ctx: ReadContext = {file, lines, errors};
  const parsed = parseAllDocuments(text, {lineCounter: lines, prettyErrors: false, uniqueKeys: true});
  // An empty stream has no documents (parseAllDocuments returns an EmptyStream, not an array).
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const at = lines.linePos(e.pos[0]);
      const duplicate = e.code === 'DUPLICATE_KEY';
      errors.push(
        errorAt(
          {file, line: at.line, col: at.col},
          duplicate ? 'duplicate-key' : 'yaml-syntax',
          duplicate
            ? 'this key is written twice in the same mapping; keep one of them'
            : `YAML syntax error: ${firstLine(e.message)}; fix the syntax at this position`,
        ),
      );
    }
  }
  return {ctx, docs};
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** A value in the document with its path and position; absent values point at their parent. */
export class Val {
  constructor(
    readonly ctx: ReadContext,
    readonly node: Node | null | undefined,
    readonly path: string,
    /** Offset to report when the node is absent (the parent's start). */
    private readonly fallbackOffset = 0,
  ) {}

  /** Position of this value (or of its parent when absent). */
  get pos(): SourceRef {
    const offset = this.node?.range?.[0] ?? this.fallbackOffset;
    const {line, col} = this.ctx.lines.linePos(offset);
    return {file: this.ctx.file, line, col};
  }

  /** True for a missing field and for an explicit null (`field:` with nothing after it). */
  get absent(): boolean {
    return this.node == null || (isScalar(this.node) && this.node.value === null);
  }

  get isMap(): boolean {
    return isMap(this.node);
  }

  get isSeq(): boolean {
    return isSeq(this.node);
  }

  /** Records an error at this value. Returns undefined so callers can `return v.fail(...)`. */
  fail(code: string, message: string): undefined {
    this.ctx.errors.push(errorAt(this.pos, code, message));
    return undefined;
  }

  /** Describes the value for messages: `a list`, `the text "x"`, `the number 3`. */
  describe(): string {
    if (isMap(this.node)) return 'a mapping';
    if (isSeq(this.node)) return 'a list';
    if (isScalar(this.node)) {
      const v = this.node.value;
      if (v === null) return 'nothing';
      if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
      return `${typeof v === 'number' ? 'the number' : 'the value'} ${String(v)}`;
    }
    return 'nothing';
  }

  /**
   * Reads a mapping whose keys must be among `allowed`; unknown keys are errors (strict, like
   * the API server's field validation). Returns a field accessor, or undefined if not a mapping.
   */
  fields(allowed: readonly string[], what: string): Fields | undefined {
    if (!isMap(this.node)) return this.fail('wrong-type', `${this.path || 'the document'} must be a mapping (${what}), not ${this.describe()}`);
    const map = new Map<string, Val>();
    for (const item of this.node.items as Pair<Node, Node>[]) {
      const keyNode = item.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      const keyOffset = keyNode?.range?.[0] ?? this.node.range?.[0] ?? 0;
      const keyVal = new Val(this.ctx, keyNode, this.path, keyOffset);
      if (key === undefined) {
        keyVal.fail('wrong-type', `keys of ${this.path || 'the document'} must be plain names`);
        continue;
      }
      const childPath = this.path ? `${this.path}.${key}` : key;
      if (!allowed.includes(key)) {
        const hint = closest(key, allowed);
        keyVal.fail(
          'unknown-field',
          `unknown field "${key}" in ${this.path || 'the document'} (${what}); ` +
            (hint ? `did you mean "${hint}"?` : `allowed fields are ${listNames(allowed)}`),
        );
        continue;
      }
      map.set(key, new Val(this.ctx, item.value, childPath, keyOffset));
    }
    return new Fields(this, map);
  }

  /** Reads a list; `null` (an empty `field:`) reads as no list. */
  items(what: string): Val[] | undefined {
    if (this.absent) return undefined;
    if (!isSeq(this.node)) return this.fail('wrong-type', `${this.path} must be a list (${what}), not ${this.describe()}`);
    const start = this.node.range?.[0] ?? 0;
    return this.node.items.map((n, i) => new Val(this.ctx, n as Node, `${this.path}[${i}]`, (n as Node)?.range?.[0] ?? start));
  }

  /** Reads a string (numbers and booleans are refused: Kubernetes would refuse them too). */
  string(what: string): string | undefined {
    if (isScalar(this.node) && typeof this.node.value === 'string') return this.node.value;
    if (this.absent) return undefined;
    return this.fail('wrong-type', `${this.path} must be text (${what}), not ${this.describe()}`);
  }

  /** Reads a whole number in [min, max]. */
  int(what: string, min: number, max: number): number | undefined {
    if (isScalar(this.node) && typeof this.node.value === 'number') {
      const v = this.node.value;
      if (Number.isInteger(v) && v >= min && v <= max) return v;
      return this.fail('out-of-range', `${this.path} must be a whole number from ${min} to ${max} (${what}), not ${v}`);
    }
    if (this.absent) return undefined;
    return this.fail('wrong-type', `${this.path} must be a number (${what}), not ${this.describe()}`);
  }

  /** Reads a boolean. */
  bool(what: string): boolean | undefined {
    if (isScalar(this.node) && typeof this.node.value === 'boolean') return this.node.value;
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

  /** Reads a map of string to string (labels, selectors). */
  stringMap(what: string): Record<string, string> | undefined {
    if (this.absent) return undefined;
    if (!isMap(this.node)) return this.fail('wrong-type', `${this.path} must be a mapping of names to text (${what}), not ${this.describe()}`);
    const out: Record<string, string> = {};
    for (const item of this.node.items as Pair<Node, Node>[]) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      const value = new Val(this.ctx, item.value, `${this.path}.${key}`, item.key?.range?.[0] ?? 0);
      if (isScalar(item.value) && item.value.value !== null && typeof item.value.value !== 'object') {
        if (typeof item.value.value !== 'string') {
          value.fail(
            'wrong-type',
            `${value.path} must be text (${what}), not ${value.describe()}; quote it: "${String(item.value.value)}"`,
          );
          continue;
        }
        out[key] = item.value.value;
      } else if (isScalar(item.value) && item.value.value === null) {
        out[key] = '';
      } else {
        value.fail('wrong-type', `${value.path} must be text (${what}), not ${value.describe()}`);
      }
    }
    return out;
  }

  /** The raw scalar value, or undefined for collections and absent values. */
  scalar(): unknown {
    return isScalar(this.node) ? this.node.value : undefined;
  }

  /** The value as plain data. */
  toJS(): unknown {
    return this.node == null ? undefined : (this.node as {toJSON?: () => unknown}).toJSON?.() ?? this.scalar();
  }
}

/** The fields of a mapping read by Val.fields. */
export class Fields {
  constructor(
    readonly owner: Val,
    private readonly map: Map<string, Val>,
  ) {}

  /** The field's value; an absent field reads as an absent Val positioned at the mapping. */
  get(key: string): Val {
    const found = this.map.get(key);
    if (found) return found;
    const owner = this.owner;
    return new Val(owner.ctx, undefined, owner.path ? `${owner.path}.${key}` : key, owner.node?.range?.[0] ?? 0);
  }

  /** Whether the field is written (even if empty). */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Whether the field is written with a value (not `field:` alone). */
  present(key: string): boolean {
    return this.map.has(key) && !this.map.get(key)!.absent;
  }

  /** Reports a required field that is missing, at the mapping. */
  require(key: string, what: string): Val | undefined {
    const v = this.get(key);
    if (!v.absent) return v;
    this.owner.fail('missing-field', `${this.owner.path || 'the document'} needs a "${key}" field (${what})`);
    return undefined;
  }
}
