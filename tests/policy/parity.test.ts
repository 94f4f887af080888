// Semantics fixed to match upstream, each expected verdict taken from the upstream source it cites,
// written as scenario files (YAML) and run through parseScenario + evaluateScenario, as
// `netpol-labs simulate` runs them.
import {describe, expect, it} from 'vitest';
import {clusterFromObjects, evaluateScenario, parsePolicyDocuments, parseScenario, type ProbeResult} from '../../src/policy';

function run(yaml: string, datapath?: 'cilium' | 'kubernetes'): ProbeResult[] {
  const {scenario, errors} = parseScenario(yaml, 's.yaml');
  expect(errors).toEqual([]);
  const r = evaluateScenario(scenario!, datapath ? {datapath} : {});
  expect(r.errors).toEqual([]);
  return r.results;
}
const verdicts = (yaml: string, datapath?: 'cilium' | 'kubernetes') => run(yaml, datapath).map((r) => r.verdict);

/** A CiliumNetworkPolicy as an item of a scenario's policies list. */
const cnp = (name: string, namespace: string, spec: string) =>
  `  - apiVersion: cilium.io/v2\n    kind: CiliumNetworkPolicy\n    metadata: {name: ${name}, namespace: ${namespace}}\n    spec:\n${spec.replace(/^/gm, '      ')}`;

const CLUSTER = `cluster:
  namespaces: [{name: x}]
  nodes: [{name: node-1}, {name: node-2}]
  pods:
    - {namespace: x, name: a, labels: {app: a}, node: node-1}
    - {namespace: x, name: b, labels: {app: b}, node: node-1}
    - {namespace: x, name: c, labels: {app: c}, node: node-2}
`;

describe('NetworkPolicy policyTypes', () => {
  // kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy: "if
  // len(obj.Spec.PolicyTypes) == 0" the API server sets [Ingress], plus Egress when there are
  // egress rules. So `policyTypes: []` on a policy with egress rules isolates both directions.
  it('policyTypes: [] is defaulted like an absent list', () => {
    const yaml = `${CLUSTER}policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: a-to-b, namespace: x}
    spec:
      podSelector: {matchLabels: {app: a}}
      policyTypes: []
      egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]
probes:
  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}
  - {from: {pod: x/a}, to: {pod: x/c}, port: 80}
  - {from: {pod: x/c}, to: {pod: x/a}, port: 80}
`;
    // a->b allowed by the egress rule; a->c: egress isolated (Egress defaulted in); c->a: ingress
    // isolated (Ingress always defaulted in) with no ingress rule.
    for (const dp of ['kubernetes', 'cilium'] as const) expect(verdicts(yaml, dp)).toEqual(['allowed', 'dropped', 'dropped']);
  });
});

describe('toServices', () => {
  // cilium/cilium pkg/policy/k8s/service.go: serviceSelectorMatches matches the k8sServiceSelector
  // against the Service's own labels (svc.Labels), and processRule turns a selected Service with a
  // selector into a generated toEndpoints selector of its spec.selector in its namespace.
  // rule_validation.go (main) l3DependentL4Support: "ToServices": true, so toPorts may go with it
  // (layer3.rst "Services based" no longer lists the old limitation).
  const yaml = `cluster:
  namespaces: [{name: x}]
  pods:
    - {namespace: x, name: a, labels: {app: a}}
    - {namespace: x, name: b, labels: {app: b}}
    - {namespace: x, name: c, labels: {app: c, expose: "yes"}}
  services:
    - {namespace: x, name: api, labels: {expose: "yes"}, selector: {app: b}, ports: [{port: 80}, {name: metrics, port: 81}]}
    - {namespace: x, name: other, selector: {expose: "yes"}, ports: [{port: 80}]}
policies:
${cnp('to-exposed', 'x', `endpointSelector: {matchLabels: {app: a}}
egress:
  - toServices: [{k8sServiceSelector: {selector: {matchLabels: {expose: "yes"}}}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]`)}
probes:
  - {from: {pod: x/a}, to: {service: x/api}, port: 80}
  - {from: {pod: x/a}, to: {pod: x/b}, port: 81}
  - {from: {pod: x/a}, to: {service: x/other}, port: 80}
`;
  it('k8sServiceSelector selects Services by metadata.labels, then admits the pods of their spec.selector, on toPorts only', () => {
    // api (labels expose=yes) is selected: its backend b is admitted on 80, not on 81. other
    // (whose spec.selector, not labels, says expose=yes) is not selected: c is dropped.
    expect(verdicts(yaml)).toEqual(['allowed', 'dropped', 'dropped']);
  });
});

describe('HTTP Host of a probe to a Service', () => {
  // A client sends the authority of the URL it requested as Host (RFC 9110 section 7.2), that is
  // the Service's name and port, not the backend's targetPort; Cilium's HTTP rules match the Host
  // header as sent (Documentation/security/policy/layer7.rst, host is a regex on the Host header).
  it('names the Service port', () => {
    const yaml = `cluster:
  namespaces: [{name: x}]
  pods:
    - {namespace: x, name: a, labels: {app: a}}
    - {namespace: x, name: web, labels: {app: web}, containers: [{name: c, ports: [{containerPort: 80}]}]}
  services:
    - {namespace: x, name: web, selector: {app: web}, ports: [{port: 8080, targetPort: 80}]}
policies:
${cnp('by-host', 'x', `endpointSelector: {matchLabels: {app: web}}
ingress:
  - toPorts:
      - ports: [{port: "80", protocol: TCP}]
        rules: {http: [{host: "web\\\\.x\\\\.svc\\\\.cluster\\\\.local:8080"}]}`)}
probes:
  - {from: {pod: x/a}, to: {service: x/web}, port: 8080, http: {method: GET, path: /}}
`;
    expect(verdicts(yaml)).toEqual(['allowed']);
  });
});

describe('deny rules against the local host', () => {
  // Cilium allows the local host by default, but inserts that allow with deny entries preferred
  // (pkg/policy/mapstate.go DetermineAllowLocalhostIngress, DenyPreferredInsert): when deny
  // policies were added, "if the user explicitly writes a policy that says deny from host ...
  // Cilium really should drop such traffic" (cilium/cilium PR #12716). Kubernetes NetworkPolicy
  // has no deny and always admits the local node (networking/v1 types.go ingress doc).
  const probes = `probes:
  - {from: {node: node-1}, to: {pod: x/b}, port: 80}
  - {from: {node: node-1}, to: {pod: x/a}, port: 80}
`;
  it('an ingressDeny of the host entity drops traffic from the pod\'s own node', () => {
    const yaml = `${CLUSTER}policies:
${cnp('deny-host', 'x', `endpointSelector: {matchLabels: {app: b}}
ingressDeny: [{fromEntities: [host]}]`)}
${probes}`;
    const results = run(yaml);
    expect(results.map((r) => r.verdict)).toEqual(['dropped', 'allowed']);
    expect(results[0].explanation.find((e) => e.side === 'ingress')?.reason).toBe('deny-rule');
  });
  it('without a deny, the local host is allowed even under default deny', () => {
    const yaml = `${CLUSTER}policies:
${cnp('isolate', 'x', `endpointSelector: {matchLabels: {app: b}}
ingress: [{}]`)}
${probes}`;
    expect(verdicts(yaml)).toEqual(['allowed', 'allowed']);
  });
});

describe('Cilium selector keys and identity labels', () => {
  // Cilium writes each namespace label into the pod's identity as
  // k8s:io.cilium.k8s.namespace.labels.<key> (pkg/k8s/apis/cilium.io const
  // PodNamespaceMetaLabels): the Kubernetes rule (a name of at most 63 characters, apimachinery
  // IsQualifiedName) applies to <key>, not to the whole string.
  it('accepts a namespace-label key longer than 63 characters in all', () => {
    const key = `team.example.com/${'n'.repeat(60)}`;
    const yaml = `cluster:
  namespaces: [{name: x, labels: {"${key}": "yes"}}, {name: y}]
  pods:
    - {namespace: x, name: a, labels: {app: a}}
    - {namespace: y, name: b, labels: {app: b}}
    - {namespace: y, name: c, labels: {app: c}}
policies:
${cnp('from-team', 'y', `endpointSelector: {matchLabels: {app: b}}
ingress:
  - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.namespace.labels.${key}": "yes"}}]`)}
probes:
  - {from: {pod: x/a}, to: {pod: y/b}, port: 80}
  - {from: {pod: y/c}, to: {pod: y/b}, port: 80}
`;
    expect(verdicts(yaml)).toEqual(['allowed', 'dropped']);
  });

  // pkg/labelsfilter/filter.go defaultLabelPrefixCfg: pod-template-hash (and the other
  // controller, io.kubernetes, kubernetes.io and k8s.io keys) are left out of identities, while
  // app.kubernetes.io is kept (Documentation/operations/performance/scalability/
  // identity-relevant-labels.rst). Kubernetes NetworkPolicy matches the pod's labels directly.
  const labelled = (selector: string) => `cluster:
  namespaces: [{name: x}]
  pods:
    - {namespace: x, name: a, labels: {app: a, pod-template-hash: 5d8f, app.kubernetes.io/name: client}}
    - {namespace: x, name: b, labels: {app: b}}
policies:
${cnp('by-label', 'x', `endpointSelector: {matchLabels: {app: b}}
ingress: [{fromEndpoints: [{matchLabels: {${selector}}}]}]`)}
probes:
  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}
`;
  it('a selector on pod-template-hash never matches on the cilium datapath, and the probe says why', () => {
    const [r] = run(labelled('pod-template-hash: 5d8f'));
    expect(r.verdict).toBe('dropped');
    const note = r.explanation.find((e) => e.reason === 'not-identity-label');
    expect(note?.text).toContain('pod-template-hash');
    expect(note?.text).toContain('x/a');
  });
  it('a selector on app.kubernetes.io/name matches', () => {
    expect(verdicts(labelled('app.kubernetes.io/name: client'))).toEqual(['allowed']);
  });
});

describe('entities', () => {
  // pkg/policy/api/entity.go EntitySelectorMapping: world is world-ipv4 plus world-ipv6; none
  // selects nothing.
  it('world-ipv4, world-ipv6 and none', () => {
    const yaml = (entity: string) => `${CLUSTER}policies:
${cnp('out', 'x', `endpointSelector: {matchLabels: {app: a}}
egress: [{toEntities: [${entity}]}]`)}
probes:
  - {from: {pod: x/a}, to: {ip: 8.8.8.8}, port: 53, protocol: UDP}
  - {from: {pod: x/a}, to: {ip: "2001:4860:4860::8888"}, port: 53, protocol: UDP}
`;
    expect(verdicts(yaml('world-ipv4'))).toEqual(['allowed', 'dropped']);
    expect(verdicts(yaml('world-ipv6'))).toEqual(['dropped', 'allowed']);
    expect(verdicts(yaml('none'))).toEqual(['dropped', 'dropped']);
  });
});

describe('entities no probe carries', () => {
  // layer3.rst "Entities based": "The ingress entity represents the Cilium Envoy instance that
  // handles ingress L7 traffic"; a pod is never that identity, so the rule admits no probe of a
  // scenario, and the verdict says so rather than leaving the rule silently unmatched.
  it('fromEntities: [ingress] admits no pod, and the drop says why', () => {
    const yaml = `${CLUSTER}policies:
${cnp('from-envoy', 'x', `endpointSelector: {matchLabels: {app: b}}
ingress: [{fromEntities: [ingress]}]`)}
probes:
  - {from: {pod: x/a}, to: {pod: x/b}, port: 80}
`;
    const [r] = run(yaml);
    expect(r.verdict).toBe('dropped');
    expect(r.explanation.find((e) => e.side === 'ingress')?.text).toContain("the ingress entity in CiliumNetworkPolicy x/from-envoy ingress[0]");
  });
});

describe('toServices k8sService in a clusterwide policy', () => {
  // pkg/policy/k8s/service.go serviceRefMatches: "(ref.Namespace == svcID.Namespace() ||
  // ref.Namespace == \"\") && ref.ServiceName == svcID.Name()": without a namespace the name matches
  // in every namespace, and a CiliumClusterwideNetworkPolicy has no namespace of its own to add.
  it('a k8sService without namespace matches the Service wherever it is', () => {
    const yaml = `cluster:
  namespaces: [{name: x}, {name: y}]
  pods:
    - {namespace: x, name: a, labels: {app: a}}
    - {namespace: y, name: api, labels: {app: api}}
  services:
    - {namespace: y, name: api, selector: {app: api}, ports: [{port: 80}]}
policies:
  - apiVersion: cilium.io/v2
    kind: CiliumClusterwideNetworkPolicy
    metadata: {name: to-api}
    spec:
      endpointSelector: {matchLabels: {app: a}}
      egress: [{toServices: [{k8sService: {serviceName: api}}]}]
probes:
  - {from: {pod: x/a}, to: {service: y/api}, port: 80}
`;
    expect(verdicts(yaml)).toEqual(['allowed']);
  });
});

describe('Services read from manifests', () => {
  // pkg/policy/k8s/service.go serviceSelectorMatches: a k8sServiceSelector matches the Service
  // object's metadata.labels, so a lab's Service manifest must keep them.
  it('clusterFromObjects keeps a Service\'s own labels', () => {
    const {others} = parsePolicyDocuments(
      'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: x, labels: {expose: "yes"}}\nspec: {selector: {app: b}, ports: [{port: 80}]}\n',
      'app.yaml',
    );
    expect(clusterFromObjects(others).services?.[0]).toMatchObject({name: 'api', labels: {expose: 'yes'}, selector: {app: 'b'}});
  });
});
