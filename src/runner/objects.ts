import {stringify} from 'yaml';
import type {KubeObject} from '../lab/manifests';
import type {Lab, Manifest} from '../lab/load';
import {LAB_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, POLICY_RESOURCES} from './constants';

/**
 * The objects the runner sends to a cluster: the lab's own manifests with two labels added, so the
 * runner can later find and delete exactly what it created, and nothing a user made.
 */

/** Labels on everything the runner creates for a lab. */
export function ownerLabels(labId: string): Record<string, string> {
  return {[MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [LAB_LABEL]: labId};
}

/** Label selector matching what the runner created for a lab. */
export function ownerSelector(labId: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${LAB_LABEL}=${labId}`;
}

/** A copy of the object with the owner labels (and the lab namespace when it names none). */
export function labelled(object: KubeObject, labId: string, namespace: string): KubeObject {
  const namespaced = object.kind !== 'Namespace' && object.kind !== 'CiliumClusterwideNetworkPolicy';
  return {
    ...object,
    metadata: {
      ...object.metadata,
      ...(namespaced ? {namespace: object.metadata.namespace ?? namespace} : {}),
      labels: {...(object.metadata.labels ?? {}), ...ownerLabels(labId)},
    },
  };
}

/** A multi-document YAML stream of labelled objects, for `kubectl apply -f -`. */
export function manifestStream(manifests: Manifest[], labId: string, namespace: string): string {
  return manifests
    .flatMap((m) => m.objects.map(({object}) => labelled(object, labId, namespace)))
    .map((o) => stringify(o))
    .join('---\n');
}

/** Namespace objects for the lab's namespaces that the app does not declare itself. */
export function namespaceObjects(lab: Lab): KubeObject[] {
  const declared = new Set(lab.app.flatMap((m) => m.objects.filter(({object}) => object.kind === 'Namespace').map(({object}) => object.metadata.name)));
  return lab.namespaces.filter((ns) => !declared.has(ns)).map((ns) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}}));
}

/** A policy as the cluster names it: resource (fully qualified), name, and namespace unless cluster-scoped. */
export interface PolicyRef {
  kind: keyof typeof POLICY_RESOURCES;
  name: string;
  /** Undefined for a CiliumClusterwideNetworkPolicy. */
  namespace?: string;
}

/** `resource/name`, the form kubectl prints with `-o name` and accepts back. */
export function policyKey(ref: PolicyRef): string {
  return `${POLICY_RESOURCES[ref.kind]}/${ref.name}`;
}

/** `namespace/resource/name` (or `resource/name` when cluster-scoped): one policy among all the lab's namespaces. */
export function policyId(ref: PolicyRef): string {
  return ref.namespace === undefined ? policyKey(ref) : `${ref.namespace}/${policyKey(ref)}`;
}

/** Policy kinds that live outside any namespace: one of the same name may belong to anyone. */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set(['CiliumClusterwideNetworkPolicy']);

/** The policies a step puts in force; a namespaced one without a namespace goes to `defaultNamespace`. */
export function stepPolicies(manifests: Manifest[], defaultNamespace: string): PolicyRef[] {
  return manifests.flatMap((m) =>
    m.objects
      .map(({object}) => object)
      .filter((o): o is KubeObject & {kind: PolicyRef['kind']} => o.kind in POLICY_RESOURCES)
      .map((o) => ({kind: o.kind, name: o.metadata.name, ...(CLUSTER_SCOPED.has(o.kind) ? {} : {namespace: o.metadata.namespace ?? defaultNamespace})})),
  );
}

/** Reads `kubectl get ... -o json` output into policy references. */
export function parsePolicyList(json: string): PolicyRef[] {
  if (!json.trim()) return [];
  const items = (JSON.parse(json).items ?? []) as {kind: string; metadata: {name: string; namespace?: string}}[];
  return items
    .filter((i) => i.kind in POLICY_RESOURCES)
    .map((i) => ({kind: i.kind as PolicyRef['kind'], name: i.metadata.name, ...(i.metadata.namespace ? {namespace: i.metadata.namespace} : {})}));
}

/** The containers part of a pod spec, as far as the runner reads it. */
export interface PodContainers {
  containers?: {image?: string}[];
  initContainers?: {image?: string}[];
}

/** The pod spec of a Pod, or of a workload's pod template (Deployment and the like); undefined for other objects. */
export function podSpec(object: KubeObject): PodContainers | undefined {
  return (object.kind === 'Pod' ? object.spec : (object.spec as {template?: {spec?: unknown}} | undefined)?.template?.spec) as PodContainers | undefined;
}

/** Images the app's containers use (for --preload). */
export function appImages(labs: Lab[]): string[] {
  const images = new Set<string>();
  for (const lab of labs) {
    for (const {object} of lab.app.flatMap((m) => m.objects)) {
      const spec = podSpec(object);
      for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) if (c.image) images.add(c.image);
    }
  }
  return [...images];
}
