import {isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, type Document, type Node} from 'yaml';
import {LineStarts} from '../policy/line-starts';

/** A parsed YAML document that can still say where each of its values came from. */
export interface SourceDocument {
  file: string;
  doc: Document.Parsed;
  lines: LineStarts;
}

/** A 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** Parses one YAML document, keeping positions. Syntax errors are in `doc.errors`. */
export function parseSource(text: string, file: string): SourceDocument {
  const doc = parseDocument(text, {prettyErrors: false, uniqueKeys: true});
  return {file, doc, lines: new LineStarts(text)};
}

/** Parses a multi-document YAML stream (`---` separated), keeping positions. */
export function parseSources(text: string, file: string): SourceDocument[] {
  const lines = new LineStarts(text);
  const docs = parseAllDocuments(text, {prettyErrors: false, uniqueKeys: true});
  // parseAllDocuments returns an EmptyStream for an empty file; an empty file has no documents.
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => ({file, doc, lines}));
}

/** Position of a character offset. */
export function positionAt(source: SourceDocument, offset: number): Position {
  const {line, col} = source.lines.linePos(offset);
  return {line, col};
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

/**
 * Where the value at `path` starts; when `key` is given, where that key of the map at `path` is
 * written (used for unknown keys). Falls back to the nearest existing ancestor, so a missing field
 * is reported at the map that should contain it.
 */
export function positionOf(source: SourceDocument, path: readonly PropertyKey[], key?: string): Position {
  let node: unknown = source.doc.contents;
  let best = rangeStart(node) ?? 0;
  for (const segment of path) {
    const next = childOf(node, segment);
    if (next === undefined) break;
    node = next;
    best = rangeStart(node) ?? best;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
    const keyStart = pair && isScalar(pair.key) ? rangeStart(pair.key) : undefined;
    if (keyStart !== undefined) best = keyStart;
  }
  return positionAt(source, best);
}

function childOf(node: unknown, segment: PropertyKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair?.value ?? undefined;
  }
  if (isSeq(node) && typeof segment === 'number') return node.items[segment];
  return undefined;
}
