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

/** The namespace object for a lab, for apps that do not declare their namespace themselves. */
export function namespaceObject(lab: Lab): KubeObject | undefined {
  const declared = lab.app.some((m) => m.objects.some(({object}) => object.kind === 'Namespace' && object.metadata.name === lab.namespace));
  if (declared) return undefined;
  return {apiVersion: 'v1', kind: 'Namespace', metadata: {name: lab.namespace}};
}

/** A policy as the cluster names it: resource (fully qualified) and name. */
export interface PolicyRef {
  kind: keyof typeof POLICY_RESOURCES;
  name: string;
}

/** `resource/name`, the form kubectl prints with `-o name` and accepts back. */
export function policyKey(ref: PolicyRef): string {
  return `${POLICY_RESOURCES[ref.kind]}/${ref.name}`;
}

/** The policies a step puts in force. */
export function stepPolicies(manifests: Manifest[]): PolicyRef[] {
  return manifests.flatMap((m) =>
    m.objects
      .map(({object}) => object)
      .filter((o): o is KubeObject & {kind: PolicyRef['kind']} => o.kind in POLICY_RESOURCES)
      .map((o) => ({kind: o.kind, name: o.metadata.name})),
  );
}

/** Reads `kubectl get ... -o json` output into policy references. */
export function parsePolicyList(json: string): PolicyRef[] {
  if (!json.trim()) return [];
  const items = (JSON.parse(json).items ?? []) as {kind: string; metadata: {name: string}}[];
  return items.filter((i) => i.kind in POLICY_RESOURCES).map((i) => ({kind: i.kind as PolicyRef['kind'], name: i.metadata.name}));
}

/** Images the app's containers use (for --preload). */
export function appImages(labs: Lab[]): string[] {
  const images = new Set<string>();
  for (const lab of labs) {
    for (const {object} of lab.app.flatMap((m) => m.objects)) {
      const spec = (object.kind === 'Pod' ? object.spec : (object.spec as {template?: {spec?: unknown}} | undefined)?.template?.spec) as
        | {containers?: {image?: string}[]; initContainers?: {image?: string}[]}
        | undefined;
      for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) if (c.image) images.add(c.image);
    }
  }
  return [...images];
}
