import type {LabError} from './errors';
import {parseSources, positionAt, type Position} from './yaml-source';

/** A Kubernetes object read from a manifest file, with where it starts. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown};
  [key: string]: unknown;
  /** Not part of the object: where its document starts in `file`. */
}

/** An object together with its source location. */
export interface LocatedObject {
  object: KubeObject;
  file: string;
  position: Position;
}

/** The policy kinds a step may list. */
export const POLICY_KINDS = ['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'] as const;

/**
 * Reads a manifest file as Kubernetes objects. Each document must be a mapping with apiVersion,
 * kind and metadata.name, which is what `kubectl apply` needs before the API server looks further.
 */
export function parseManifests(text: string, file: string): {objects: LocatedObject[]; errors: LabError[]} {
  const objects: LocatedObject[] = [];
  const errors: LabError[] = [];
  for (const source of parseSources(text, file)) {
    for (const e of source.doc.errors) {
      const {line, col} = positionAt(source, e.pos[0]);
      errors.push({code: 'yaml-syntax', file, line, col, message: `YAML syntax error: ${firstLine(e.message)}`});
    }
    if (source.doc.errors.length > 0) continue;
    const value: unknown = source.doc.toJS();
    if (value === null || value === undefined) continue; // an empty document between separators
    const start = positionAt(source, source.doc.contents?.range?.[0] ?? 0);
    const problem = describeObjectProblem(value);
    if (problem) {
      errors.push({code: 'not-a-kube-object', file, line: start.line, col: start.col, message: problem});
      continue;
    }
    objects.push({object: value as KubeObject, file, position: start});
  }
  return {objects, errors};
}

function describeObjectProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || Array.isArray(value)) {
    return 'a manifest document must be a Kubernetes object (a mapping with apiVersion, kind and metadata)';
  }
  const v = value as Record<string, unknown>;
  if (typeof v.apiVersion !== 'string') return 'this object has no apiVersion; add one, e.g. "apiVersion: cilium.io/v2"';
  if (typeof v.kind !== 'string') return 'this object has no kind; add one, e.g. "kind: CiliumNetworkPolicy"';
  const metadata = v.metadata as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata.name !== 'string' || metadata.name === '') {
    return 'this object has no metadata.name; every object needs a name';
  }
  return undefined;
}

/** The first line of a yaml library message (the rest is a code excerpt we render ourselves). */
export function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
