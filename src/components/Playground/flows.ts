/**
 * The service map's data: for one step and the editor's policies, every flow a client of the lab
 * can open to a Service, on each of the Service's ports, with the engine's verdict. A flow is a
 * connection (TCP, or UDP for the cluster DNS) as the engine sees it before any request is sent:
 * `allowed` or `dropped` at L3/L4, and whether an L7 proxy (HTTP, gRPC or DNS rules) then judges
 * what goes through. The same engine and the same scenario as the playground's probes
 * (src/lab/to-scenario.ts), so the map cannot disagree with them. Pure.
 */
import {decidingExplanation, evaluateScenario, parsePolicyDocuments, type Datapath, type Probe as EngineProbe} from '@site/src/policy';
import {CLUSTER_DNS_SERVICE} from '@site/src/lab/cluster-dns';
import {indexApp, type Lab, type ProbeSource, type Step} from '@site/src/lab/load';
import {headlessBackend, lookupProbe, sourceEnd, stepScenario} from '@site/src/lab/to-scenario';
import {editorFileName} from './editorText';

/** The name the map's DNS flows ask for: one every cluster has (the API server's Service). */
const DNS_QUESTION = 'kubernetes.default.svc.cluster.local';

/** A client of the map: a pod or Deployment of the app, or the machine outside the cluster. */
export interface FlowSource {
  /** `namespace/name`, or `outside`. */
  id: string;
  label: string;
  /** Sends from its node's address (hostNetwork). */
  node: boolean;
}

/** A destination: one port of a Service. */
export interface FlowTarget {
  /** `namespace/service:port/protocol`. */
  id: string;
  service: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** One flow and the engine's verdict on it. */
export interface Flow {
  from: string;
  to: string;
  service: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  verdict: 'allowed' | 'dropped';
  /** An L7 proxy judges the requests of this flow (HTTP, gRPC or DNS rules on the port). */
  l7: boolean;
  /** The engine's deciding step, in one line. */
  why: string;
}

export type ServiceMapData = {status: 'ok'; sources: FlowSource[]; targets: FlowTarget[]; flows: Flow[]} | {status: 'error'; message: string};

/**
 * Every flow of the step: each client to each TCP port of each Service of the app and each SCTP port
 * of a headless one (a Service's own backends are left out: a pod calling itself through its Service
 * says nothing about policy), and
 * each pod that uses the cluster DNS to kube-dns on 53/UDP. From outside, only the Services reachable
 * from outside with the client's address kept (what lab probes from outside may name).
 */
export function serviceMap(lab: Lab, step: Step, text: string, datapath: Datapath): ServiceMapData {
  // Named as the playground names the editor, so a reason's `file:line` reads the same in both places.
  const parsed = parsePolicyDocuments(text, editorFileName(lab, step), {defaultNamespace: lab.namespace});
  if (parsed.errors.length > 0) return {status: 'error', message: 'the policies have errors; fix them to see the map'};
  const {scenario} = stepScenario(lab, step, {policies: parsed.policies});
  const index = indexApp(lab.app, lab.namespaces, {names: lab.names, ...(lab.outside ? {outside: lab.outside} : {})});
  const cluster = scenario.cluster;

  const clients: {source: FlowSource; end: ProbeSource; labels: Record<string, string>}[] = [...index.clients.entries()].map(([key, client]) => {
    const [namespace, name] = key.split('/', 2);
    const end: ProbeSource = {kind: 'pod', namespace, name, ...client};
    const podName = client.workload === 'Deployment' ? `${name}-0` : name;
    const labels = cluster.pods.find((p) => p.namespace === namespace && p.name === podName)?.labels ?? {};
    return {source: {id: key, label: key, node: client.hostNetwork}, end, labels};
  });
  if (lab.outside) clients.push({source: {id: 'outside', label: `outside (${lab.outside.ip})`, node: false}, end: {kind: 'outside', ip: lab.outside.ip}, labels: {}});

  const targets: FlowTarget[] = [];
  const services = (cluster.services ?? []).filter((s) => lab.namespaces.includes(s.namespace));
  for (const s of services) {
    const info = index.services.get(`${s.namespace}/${s.name}`);
    for (const p of info?.ports ?? []) {
      if (p.protocol === 'TCP') targets.push({id: `${s.namespace}/${s.name}:${p.port}/TCP`, service: `${s.namespace}/${s.name}`, port: p.port, protocol: 'TCP'});
      // SCTP only to a headless Service's pods, as the lab format probes it (Cilium has no SCTP policy to a virtual IP).
      if (p.protocol === 'SCTP' && info?.headless) targets.push({id: `${s.namespace}/${s.name}:${p.port}/SCTP`, service: `${s.namespace}/${s.name}`, port: p.port, protocol: 'SCTP'});
    }
  }
  const dns: FlowTarget = {id: `${CLUSTER_DNS_SERVICE}:53/UDP`, service: CLUSTER_DNS_SERVICE, port: 53, protocol: 'UDP'};
  targets.push(dns);

  const pods = cluster.pods.map((p) => ({key: `${p.namespace}/${p.name}`, labels: p.labels ?? {}}));
  const questions: {flow: Omit<Flow, 'verdict' | 'l7' | 'why'>; probe: EngineProbe}[] = [];
  for (const {source, end, labels} of clients) {
    for (const target of targets) {
      if (target === dns) {
        if (end.kind !== 'pod' || !end.clusterDns) continue;
      } else {
        const service = services.find((s) => `${s.namespace}/${s.name}` === target.service)!;
        const selector = service.selector ?? {};
        const own = end.kind === 'pod' && service.namespace === end.namespace && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
        if (own) continue;
        if (end.kind === 'outside' && (target.protocol === 'SCTP' || !index.services.get(target.service)?.reachableFromOutside)) continue;
      }
      questions.push({
        flow: {from: source.id, to: target.id, service: target.service, port: target.port, protocol: target.protocol},
        // A lookup is what crosses the DNS flow: with a question, DNS rules (Cilium's DNS proxy) show as L7.
        probe: target === dns ? lookupProbe(sourceEnd(end), DNS_QUESTION) : connectionTo(lab, end, target, pods),
      });
    }
  }
  const evaluation = evaluateScenario({...scenario, datapath, probes: questions.map((q) => q.probe)});
  if (evaluation.errors.length > 0) return {status: 'error', message: evaluation.errors.map((e) => e.message).join('; ')};
  const flows: Flow[] = questions.map((q, i) => {
    const result = evaluation.results[i];
    const verdict = result.verdict === 'dropped' ? 'dropped' : 'allowed';
    return {
      ...q.flow,
      verdict,
      l7: verdict === 'allowed' && result.explanation.some((e) => e.side === 'l7'),
      why: decidingExplanation(result)?.text ?? '',
    };
  });
  return {status: 'ok', sources: clients.map((c) => c.source), targets, flows};
}

/** The engine probe of a flow to a Service port: SCTP to the headless Service's pod, as the lab format sends it; TCP to the Service. */
function connectionTo(lab: Lab, end: ProbeSource, target: FlowTarget, pods: {key: string; labels: Record<string, string>}[]): EngineProbe {
  if (target.protocol !== 'SCTP') return {from: sourceEnd(end), to: {service: target.service}, port: target.port, protocol: target.protocol};
  const [namespace, service] = target.service.split('/', 2);
  return {from: sourceEnd(end), to: {pod: headlessBackend(lab, namespace, service, pods)}, port: target.port, protocol: 'SCTP'};
}
