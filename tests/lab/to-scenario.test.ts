/** A lab step as the engine's scenario: what exists, named the way the runner names it. */
import {describe, expect, it} from 'vitest';
import {readLabOrThrow} from '../../src/lab/node/read-lab';
import {clientPod, connectionProbe, stepScenario} from '../../src/lab/to-scenario';
import {labelled} from '../../src/runner/objects';
import {parsePolicyDocuments} from '../../src/policy';

const lab = readLabOrThrow('labs/deathstar');
const owner = {'app.kubernetes.io/managed-by': 'netpol-labs', 'netpol-labs.io/lab': 'deathstar'};
const step = (id: string) => lab.steps.find((s) => s.id === id)!;

describe('lab step to scenario', () => {
  const {scenario, errors} = stepScenario(lab, step('cilium-l7'));

  it('parses the step policies without errors', () => {
    expect(errors).toEqual([]);
    expect(scenario.policies.map((p) => `${p.kind}/${p.name}`)).toEqual(['CiliumNetworkPolicy/rule1']);
  });

  it('expands the deathstar Deployment into its two replicas and keeps the ships as pods', () => {
    // app.yaml: replicas: 2; tiefighter and xwing are plain Pods.
    expect(scenario.cluster.pods.filter((p) => p.namespace === 'star-wars').map((p) => p.name)).toEqual(['deathstar-0', 'deathstar-1', 'tiefighter', 'xwing']);
    const deathstar = scenario.cluster.pods[0];
    expect(deathstar.labels).toEqual({org: 'empire', class: 'deathstar', 'app.kubernetes.io/name': 'deathstar'});
    expect(deathstar.containers).toEqual([{name: 'deathstar', ports: [{name: 'http', containerPort: 80, protocol: 'TCP'}]}]);
  });

  it('keeps the Service with its own labels (for toServices selectors), selector and named target port', () => {
    expect(scenario.cluster.services!.filter((s) => s.namespace === 'star-wars')).toEqual([
      {
        namespace: 'star-wars',
        name: 'deathstar',
        labels: {'app.kubernetes.io/name': 'deathstar'},
        selector: {org: 'empire', class: 'deathstar'},
        ports: [{name: 'http', port: 80, targetPort: 'http', protocol: 'TCP'}],
      },
    ]);
  });

  it('turns a probe into an engine probe from the client pod to the Service', () => {
    const probe = step('cilium-l7').probes.find((p) => p.method === 'PUT')!;
    expect(connectionProbe(lab, probe)).toEqual({
      from: {pod: 'star-wars/tiefighter'},
      to: {service: 'star-wars/deathstar'},
      port: 80,
      protocol: 'TCP',
      http: {method: 'PUT', path: '/v1/exhaust-port', host: 'deathstar.star-wars.svc.cluster.local'},
    });
    expect(clientPod({kind: 'pod', namespace: 'star-wars', name: 'deathstar', workload: 'Deployment', hostNetwork: false, clusterDns: true})).toBe('star-wars/deathstar-0');
  });

  it('models the objects as the runner applies them, owner labels included', () => {
    const applied = stepScenario(lab, step('no-policy'), {transformApp: (o) => labelled(o, lab.id, lab.namespace)}).scenario;
    expect(applied.cluster.namespaces.find((n) => n.name === 'star-wars')?.labels).toEqual(owner);
    expect(applied.cluster.pods.find((p) => p.name === 'xwing')?.labels).toEqual({
      org: 'alliance',
      class: 'xwing',
      'app.kubernetes.io/name': 'xwing',
      ...owner,
    });
    // A Deployment's label goes on the Deployment, not on the pods its template makes.
    expect(applied.cluster.pods[0].labels).not.toHaveProperty('netpol-labs.io/lab');
  });

  it('uses the given policies in place of the step files', () => {
    const {scenario: edited} = stepScenario(lab, step('cilium-l7'), {policies: []});
    expect(edited.policies).toEqual([]);
  });
});

describe('a lab whose policy selects a Service without a selector', () => {
  // Documentation/security/policy/layer3.rst "Services based": for a Service without a selector,
  // Cilium allows the addresses of its EndpointSlices, which a lab's manifests do not describe, so
  // the step is refused as a scenario file would be, never evaluated as matching nothing.
  it('reports the toServices entry, as parseScenario does for scenario files', () => {
    const selectorless = {
      ...lab,
      app: lab.app.map((m) => ({
        ...m,
        objects: m.objects.map((o) => (o.object.kind === 'Service' ? {...o, object: {...o.object, spec: {...(o.object.spec as object), selector: undefined}}} : o)),
      })),
    };
    const {policies} = parsePolicyDocuments(
      'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: to-deathstar, namespace: star-wars}\nspec:\n  endpointSelector: {matchLabels: {class: tiefighter}}\n  egress: [{toServices: [{k8sService: {serviceName: deathstar, namespace: star-wars}}]}]\n',
      'to-deathstar.yaml',
    );
    const {errors} = stepScenario(selectorless, step('no-policy'), {policies});
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({file: 'to-deathstar.yaml', line: 6});
    expect(errors[0].message).toContain('Service star-wars/deathstar, which has no selector');
    // With its selector the same policy is evaluated.
    expect(stepScenario(lab, step('no-policy'), {policies}).errors).toEqual([]);
  });
});
