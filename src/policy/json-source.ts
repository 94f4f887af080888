/**
 * Strict JSON input, read by jsonc-parser (the parser behind VS Code's JSON support) into a tree
 * whose every node knows its offset in the text: reader.ts reads that tree as it reads a YAML
 * document. JSON is YAML 1.2 and the yaml library reads it correctly, but it takes several times
 * as long on the large machine-made files JSON usually comes in (`kubectl get ... -o json`,
 * generated models), so strict JSON gets this reader.
 *
 * Text that is not strict JSON (YAML flow style such as `{a: b}`, a trailing comma, a syntax
 * error) is not handled here: the caller reads it as YAML, which reads it or reports the error in
 * its usual words.
 */
import {parseTree, type Node as JsonNode, type ParseError} from 'jsonc-parser';

export type {JsonNode};

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

/** A strict JSON text read into jsonc-parser's positioned tree. */
export interface JsonDocument {
  root: JsonNode;
  duplicates: DuplicateKey[];
}

/** Strict JSON nested deeper than the parser's call stack reaches. */
export const TOO_DEEP = 'too-deep';

/**
 * Reads `text` as strict JSON. Returns undefined when it is not strict JSON, and TOO_DEEP when
 * it nests deeper than the parser can follow (neither parser can then read it).
 */
export function readJson(text: string): JsonDocument | typeof TOO_DEEP | undefined {
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, errors, {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false});
  } catch (error) {
    // The parser recurses once per level of nesting, as the yaml library does.
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
  if (!root || errors.length > 0) return undefined;
  return {root, duplicates: duplicateKeys(root)};
}

/** Every key written a second time in the same object, in the order of the text. */
function duplicateKeys(root: JsonNode): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  // With a stack of its own: the tree may be nested deeper than a recursive walk could go.
  const stack: JsonNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children!;
        if (seen.has(key.value)) duplicates.push({key: key.value, offset: key.offset});
        seen.add(key.value);
        if (value) stack.push(value);
      }
    } else if (node.type === 'array') {
      for (const item of node.children ?? []) stack.push(item);
    }
  }
  return duplicates.sort((a, b) => a.offset - b.offset);
}
