import {clusterFromObjects, parsePolicyDocuments, type PolicyError, type Probe as EngineProbe, type Scenario} from '../policy';
import type {Lab, Probe, Step} from './load';

/**
 * A lab step as a policy-engine scenario: the app's manifests become the cluster (a Deployment
 * becomes its replicas `<name>-0`, `<name>-1`, ...), the step's policy files the complete set in
 * force, and each lab probe an engine probe from the client pod to the Service port. Pure: the
 * simulator target of the runner and the site's playground both use it, so they cannot disagree.
 */
export function stepScenario(lab: Lab, step: Step, policyTexts?: {file: string; text: string}[]): {scenario: Scenario; errors: PolicyError[]} {
  const errors: PolicyError[] = [];
  const others = lab.app.flatMap((manifest) => {
    const parsed = parsePolicyDocuments(manifest.text, manifest.file, {defaultNamespace: lab.namespace});
    errors.push(...parsed.errors);
    return parsed.others;
  });
  const policies = (policyTexts ?? step.policies.map((m) => ({file: m.file, text: m.text}))).flatMap(({file, text}) => {
    const parsed = parsePolicyDocuments(text, file, {defaultNamespace: lab.namespace});
    errors.push(...parsed.errors);
    return parsed.policies;
  });
  const scenario: Scenario = {
    datapath: 'cilium',
    cluster: clusterFromObjects(others, lab.namespace),
    policies,
    probes: step.probes.map((probe) => labProbeToEngine(lab, probe)),
  };
  return {scenario, errors};
}

/** The pod a probe runs in: the Pod of that name, or the first replica of a Deployment. */
export function clientPod(lab: Lab, from: string): string {
  const isDeployment = lab.app.some((m) => m.objects.some(({object}) => object.kind === 'Deployment' && object.metadata.name === from));
  return `${lab.namespace}/${isDeployment ? `${from}-0` : from}`;
}

/** A lab probe as an engine probe: from the client pod to the Service port, with its HTTP request. */
export function labProbeToEngine(lab: Lab, probe: Probe): EngineProbe {
  return {
    from: {pod: clientPod(lab, probe.from)},
    to: {service: `${probe.target.namespace}/${probe.target.service}`},
    port: probe.target.port,
    protocol: 'TCP',
    http: {method: probe.method, path: probe.target.path, host: probe.target.host},
  };
}
