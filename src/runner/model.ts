import type {Lab, Probe} from '../lab/load';
import type {KubeObject} from '../lab/manifests';
import {ownerLabels} from './objects';

/**
 * The lab as a cluster model for the policy engine: namespaces, pods (a Deployment becomes its
 * replicas, named `<deployment>-0`, `<deployment>-1`, ...), Services, and one engine probe per lab
 * probe. The shapes follow the engine's Scenario contract (src/policy); they are declared here
 * structurally so this module does not depend on the engine's internals.
 */

type Labels = Record<string, string>;

/** A namespace of the model. */
export interface ModelNamespace {
  name: string;
  labels: Labels;
}

/** A container port of the model. */
export interface ModelContainerPort {
  name?: string;
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A pod of the model. */
export interface ModelPod {
  namespace: string;
  name: string;
  labels: Labels;
  serviceAccount?: string;
  containers: {name: string; ports: ModelContainerPort[]}[];
}

/** A Service of the model. */
export interface ModelService {
  namespace: string;
  name: string;
  clusterIP?: string;
  selector: Labels;
  ports: {name?: string; port: number; targetPort?: number | string; protocol: 'TCP' | 'UDP' | 'SCTP'}[];
}

/** The cluster the engine evaluates. */
export interface ModelCluster {
  namespaces: ModelNamespace[];
  pods: ModelPod[];
  services: ModelService[];
}

/** One engine probe. */
export interface ModelProbe {
  from: {pod: string};
  to: {service: string};
  port: number;
  protocol: 'TCP';
  http: {method: string; path: string; host: string};
}

interface PodSpec {
  serviceAccountName?: string;
  containers?: {name: string; ports?: {name?: string; containerPort: number; protocol?: string}[]}[];
}

const proto = (p: string | undefined): 'TCP' | 'UDP' | 'SCTP' => (p === 'UDP' || p === 'SCTP' ? p : 'TCP');

function containersOf(spec: PodSpec | undefined): ModelPod['containers'] {
  return (spec?.containers ?? []).map((c) => ({
    name: c.name,
    ports: (c.ports ?? []).map((p) => ({...(p.name ? {name: p.name} : {}), containerPort: p.containerPort, protocol: proto(p.protocol)})),
  }));
}

/**
 * Builds the cluster a lab's app creates. Objects the runner applies carry its owner labels on a
 * real cluster (Pods and the Namespace get them; a Deployment's pods keep their template labels),
 * so the model carries them too: the simulator sees the labels the cluster would have.
 */
export function labToCluster(lab: Lab): ModelCluster {
  const objects: KubeObject[] = lab.app.flatMap((m) => m.objects.map((o) => o.object));
  const nsOf = (o: KubeObject) => o.metadata.namespace ?? lab.namespace;
  const owner = ownerLabels(lab.id);

  const namespaces = new Map<string, ModelNamespace>();
  for (const o of objects.filter((x) => x.kind === 'Namespace')) {
    namespaces.set(o.metadata.name, {name: o.metadata.name, labels: {...(o.metadata.labels ?? {}), ...owner}});
  }
  const ensureNamespace = (name: string) => {
    if (!namespaces.has(name)) namespaces.set(name, {name, labels: name === lab.namespace ? {...owner} : {}});
  };
  ensureNamespace(lab.namespace);

  const pods: ModelPod[] = [];
  const services: ModelService[] = [];
  for (const o of objects) {
    if (o.kind === 'Pod') {
      ensureNamespace(nsOf(o));
      const spec = o.spec as PodSpec | undefined;
      pods.push({
        namespace: nsOf(o),
        name: o.metadata.name,
        labels: {...(o.metadata.labels ?? {}), ...owner},
        ...(spec?.serviceAccountName ? {serviceAccount: spec.serviceAccountName} : {}),
        containers: containersOf(spec),
      });
    } else if (o.kind === 'Deployment') {
      ensureNamespace(nsOf(o));
      const spec = o.spec as {replicas?: number; template?: {metadata?: {labels?: Labels}; spec?: PodSpec}} | undefined;
      // Kubernetes defaults replicas to 1 when unset.
      const replicas = spec?.replicas ?? 1;
      for (let i = 0; i < replicas; i++) {
        pods.push({
          namespace: nsOf(o),
          name: `${o.metadata.name}-${i}`,
          labels: {...(spec?.template?.metadata?.labels ?? {})},
          ...(spec?.template?.spec?.serviceAccountName ? {serviceAccount: spec.template.spec.serviceAccountName} : {}),
          containers: containersOf(spec?.template?.spec),
        });
      }
    } else if (o.kind === 'Service') {
      ensureNamespace(nsOf(o));
      const spec = o.spec as {clusterIP?: string; selector?: Labels; ports?: {name?: string; port: number; targetPort?: number | string; protocol?: string}[]} | undefined;
      services.push({
        namespace: nsOf(o),
        name: o.metadata.name,
        ...(spec?.clusterIP && spec.clusterIP !== 'None' ? {clusterIP: spec.clusterIP} : {}),
        selector: {...(spec?.selector ?? {})},
        ports: (spec?.ports ?? []).map((p) => ({
          ...(p.name ? {name: p.name} : {}),
          port: p.port,
          ...(p.targetPort !== undefined ? {targetPort: p.targetPort} : {}),
          protocol: proto(p.protocol),
        })),
      });
    }
  }
  return {namespaces: [...namespaces.values()], pods, services};
}

/** The pod a probe's `from` runs in: the Pod itself, or the first replica of a Deployment. */
export function clientPod(lab: Lab, from: string): string {
  const isDeployment = lab.app.some((m) => m.objects.some(({object}) => object.kind === 'Deployment' && object.metadata.name === from));
  return `${lab.namespace}/${isDeployment ? `${from}-0` : from}`;
}

/** A lab probe as an engine probe: from the client pod to the Service port, with its HTTP request. */
export function toModelProbe(lab: Lab, probe: Probe): ModelProbe {
  return {
    from: {pod: clientPod(lab, probe.from)},
    to: {service: `${probe.target.namespace}/${probe.target.service}`},
    port: probe.target.port,
    protocol: 'TCP',
    http: {method: probe.method, path: probe.target.path, host: probe.target.host},
  };
}
