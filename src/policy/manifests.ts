/**
 * Builds a simulated Cluster from application manifests (Namespace, Pod, Deployment, Service),
 * so a lab's app.yaml can become the cluster of a Scenario. Deployments become `replicas` pods
 * named `<deployment>-<i>` (real pod names carry random suffixes; only labels and ports matter
 * to policy). Kinds that do not affect policy are ignored.
 */
import type {Cluster, Container, OtherObject, Pod, Service} from './types';

// Manifests are untyped YAML read defensively, field by field.
type Obj = Record<string, any>;

function containersOf(spec: Obj | undefined): Container[] {
  return ((spec?.containers ?? []) as Obj[]).map((c) => ({
    name: String(c.name ?? ''),
    ports: ((c.ports ?? []) as Obj[]).map((p) => ({
      ...(p.name ? {name: String(p.name)} : {}),
      containerPort: Number(p.containerPort),
      protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP',
    })),
  }));
}

/** The cluster described by `objects`; namespaces referred to but not declared are added. */
export function clusterFromObjects(objects: OtherObject[], defaultNamespace = 'default'): Cluster {
  const cluster: Cluster = {namespaces: [], pods: [], services: []};
  const namespaces = new Map<string, Record<string, string>>();
  const podFrom = (namespace: string, name: string, template: Obj): Pod => ({
    namespace,
    name,
    labels: {...(template.metadata?.labels ?? {})},
    ...(template.spec?.serviceAccountName ? {serviceAccount: String(template.spec.serviceAccountName)} : {}),
    ...(template.spec?.hostNetwork ? {hostNetwork: true} : {}),
    ...(template.spec?.nodeName ? {node: String(template.spec.nodeName)} : {}),
    containers: containersOf(template.spec),
  });
  for (const o of objects) {
    const obj = o.object as Obj;
    const ns = o.namespace ?? defaultNamespace;
    switch (o.kind) {
      case 'Namespace':
        namespaces.set(o.name, {...(obj.metadata?.labels ?? {})});
        break;
      case 'Pod':
        cluster.pods.push(podFrom(ns, o.name, obj));
        break;
      case 'Deployment':
      case 'StatefulSet':
      case 'ReplicaSet': {
        const replicas = obj.spec?.replicas ?? 1;
        for (let i = 0; i < replicas; i++) cluster.pods.push(podFrom(ns, `${o.name}-${i}`, obj.spec?.template ?? {}));
        break;
      }
      case 'DaemonSet':
        cluster.pods.push(podFrom(ns, `${o.name}-0`, obj.spec?.template ?? {}));
        break;
      case 'Service': {
        const svc: Service = {
          namespace: ns,
          name: o.name,
          // Its own labels, what toServices k8sServiceSelector selects on (pkg/policy/k8s/service.go).
          labels: {...(obj.metadata?.labels ?? {})},
          ...(typeof obj.spec?.clusterIP === 'string' && obj.spec.clusterIP !== 'None' ? {clusterIP: obj.spec.clusterIP} : {}),
          selector: {...(obj.spec?.selector ?? {})},
          ports: ((obj.spec?.ports ?? []) as Obj[]).map((p) => ({
            ...(p.name ? {name: String(p.name)} : {}),
            port: Number(p.port),
            ...(p.targetPort !== undefined ? {targetPort: p.targetPort as number | string} : {}),
            protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP',
          })),
        };
        cluster.services!.push(svc);
        break;
      }
    }
  }
  for (const p of [...cluster.pods, ...cluster.services!]) if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, {});
  cluster.namespaces = [...namespaces].map(([name, labels]) => ({name, labels}));
  return cluster;
}
