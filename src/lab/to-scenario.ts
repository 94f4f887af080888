import {clusterFromObjects, parsePolicyDocuments, selectorlessServiceErrors, type OtherObject, type PolicyError, type PolicyObject, type Probe as EngineProbe, type Scenario} from '../policy';
import type {Lab, Probe, Step} from './load';
import type {KubeObject} from './manifests';

/** Options of stepScenario. */
export interface StepScenarioOptions {
  /**
   * The policies in force instead of the step's files: the playground's edited text, which it has
   * already parsed (and reported the errors of) itself.
   */
  policies?: PolicyObject[];
  /**
   * What the app's objects look like once applied. The runner adds its owner labels to everything
   * it creates, and labels are identity, so its simulator models the objects as labelled.
   */
  transformApp?: (object: KubeObject) => KubeObject;
}

/**
 * A lab step as a policy-engine scenario: the app's manifests become the cluster (a Deployment
 * becomes its replicas `<name>-0`, `<name>-1`, ...), the step's policy files the complete set in
 * force, and each lab probe an engine probe from the client pod to the Service port. Pure: the
 * simulator target of the runner and the site's playground both use it, so they cannot disagree.
 */
export function stepScenario(lab: Lab, step: Step, options: StepScenarioOptions = {}): {scenario: Scenario; errors: PolicyError[]} {
  const errors: PolicyError[] = [];
  const transform = options.transformApp ?? ((object: KubeObject) => object);
  const others: OtherObject[] = lab.app.flatMap((manifest) =>
    manifest.objects.map(({object, file, position}) => {
      const applied = transform(object);
      return {
        apiVersion: applied.apiVersion,
        kind: applied.kind,
        name: applied.metadata.name,
        namespace: applied.metadata.namespace,
        object: applied as unknown as Record<string, unknown>,
        source: {file, line: position.line, col: position.col},
      };
    }),
  );
  const policies =
    options.policies ??
    step.policies.flatMap(({file, text}) => {
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
  errors.push(...selectorlessServiceErrors(scenario));
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
