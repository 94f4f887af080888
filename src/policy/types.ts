/**
 * Public data types of the policy engine: the cluster a scenario describes, the probes it asks
 * about, the normalised policies and the results. Plain data only, so a scenario can be built by
 * hand (the lab runner does) or parsed from YAML/JSON (parseScenario).
 */

/** The three outcomes a probe can have; named values, never booleans. */
export type Verdict = 'allowed' | 'dropped' | 'l7-denied';

/** Which enforcement semantics to reproduce. */
export type Datapath = 'cilium' | 'kubernetes';

/** Transport protocols a port rule can name. */
export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Protocols a probe can use. */
export type ProbeProtocol = L4Protocol | 'ICMP';

/** The Cilium agent's policy enforcement mode (Cilium docs, security/policy/intro.rst). */
export type EnforcementMode = 'default' | 'always' | 'never';

/** Where something was written: 1-based line and column in `file`. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

/** A stable, located problem with an input. `code` is for tools and tests; `message` for people. */
export interface PolicyError extends SourceRef {
  code: string;
  /** What is wrong and what would be right, in one sentence or two. */
  message: string;
}

/** Labels as Kubernetes stores them. */
export type Labels = Record<string, string>;

/** A namespace; `kubernetes.io/metadata.name=<name>` is implied, as the control plane sets it. */
export interface Namespace {
  name: string;
  labels?: Labels;
}

/** A node; its IP is what host-network pods and node-originated traffic use. */
export interface Node {
  name: string;
  ip?: string;
  labels?: Labels;
}

/** A container port, the target of named ports in policies and Services. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: L4Protocol;
}

/** A container; only its ports matter to policy. */
export interface Container {
  name: string;
  ports?: ContainerPort[];
}

/** A pod. Omitted ip, node and serviceAccount are assigned deterministically by compile(). */
export interface Pod {
  namespace: string;
  name: string;
  labels?: Labels;
  ip?: string;
  node?: string;
  serviceAccount?: string;
  hostNetwork?: boolean;
  containers?: Container[];
}

/** A Service port; `targetPort` may be a container port name, resolved on the chosen backend. */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: L4Protocol;
}

/** A ClusterIP Service; probes to it are evaluated against one backend pod (post-DNAT). */
export interface Service {
  namespace: string;
  name: string;
  /** The Service's own metadata.labels, what toServices k8sServiceSelector selects on. */
  labels?: Labels;
  clusterIP?: string;
  /** spec.selector: the labels of its backend pods. */
  selector?: Labels;
  ports: ServicePort[];
}

/** Everything that exists in the simulated cluster. */
export interface Cluster {
  /** Cluster name, the value of Cilium's io.cilium.k8s.policy.cluster label (default `default`). */
  name?: string;
  namespaces: Namespace[];
  nodes?: Node[];
  pods: Pod[];
  services?: Service[];
  /**
   * Addresses outside the pods and nodes that Cilium gives a reserved identity: the API server
   * (`kube-apiserver`, when it runs outside the cluster) or Cilium's Envoy for Ingress and Gateway API
   * (`ingress`). Any other address is the world. `kube-apiserver` may also be a node's address: the
   * API server in that node's network, which keeps the node's identity and gains kube-apiserver.
   */
  external?: ExternalAddress[];
}

/** An address with a reserved identity of its own (Documentation/security/policy/layer3.rst "Entities based"). */
export interface ExternalAddress {
  ip: string;
  identity: 'kube-apiserver' | 'ingress';
}

/** A DNS answer the Cilium DNS proxy has seen, which toFQDNs rules turn into allowed IPs. */
export interface DnsEntry {
  name: string;
  ips: string[];
  /**
   * `namespace/pod` that made the lookup through Cilium's DNS proxy. The answer then counts for every
   * pod on that pod's node (one agent's cache), and for none on another node.
   */
  observedBy: string;
}

/** One side of a probe: `namespace/name` for pod and service, a node name, or an IP. */
export type ProbeEnd = {pod: string} | {service: string} | {node: string} | {ip: string};

/** An HTTP request carried by a probe, checked against L7 rules. */
export interface HttpRequest {
  method?: string;
  path?: string;
  host?: string;
  headers?: Record<string, string>;
}

/** A question: would this connection (and request) get through? */
export interface Probe {
  from: ProbeEnd;
  to: ProbeEnd;
  /** Destination port as the client dials it (a Service port for a Service). */
  port?: number;
  /** Alternative to `port`: a container port name of the destination pod, or a Service port name. */
  portName?: string;
  /** Default TCP. */
  protocol?: ProbeProtocol;
  /** ICMP type for protocol ICMP; default 8 (echo request). */
  icmpType?: number;
  http?: HttpRequest;
  /** A DNS lookup of `name` sent to the destination (default port 53, UDP), checked against DNS rules. */
  dns?: {name: string};
  /** Where the probe was written, for error messages. */
  source?: SourceRef;
}

/** Ports on which to evaluate every ordered pair of distinct pods. */
export interface MatrixSpec {
  ports: {port: number; protocol?: L4Protocol}[];
}

/** Cilium agent options that change verdicts. */
export interface ScenarioOptions {
  policyEnforcementMode?: EnforcementMode;
  /**
   * Policy audit mode for every endpoint (the agent's --policy-audit-mode, Helm policyAuditMode):
   * what L3/L4 policy would drop is allowed and reported (Documentation/security/policy-creation.rst).
   */
  policyAuditMode?: boolean;
  /** Pods (`namespace/name`) in policy audit mode on their own (`cilium-dbg endpoint config ID PolicyAuditMode=Enabled`). */
  auditEndpoints?: string[];
  /**
   * `--enable-node-selector-labels` (Helm nodeSelectorLabels): fromNodes/toNodes are accepted and
   * select other nodes by their labels (layer3.rst "Node based").
   */
  nodeSelectorLabels?: boolean;
  /**
   * The agent's host firewall (Helm hostFirewall.enabled, agent --enable-host-firewall): host
   * policies (a CiliumClusterwideNetworkPolicy with nodeSelector) apply to the nodes they select.
   * Off (the default), Cilium accepts host policies and enforces none of them
   * (Documentation/security/host-firewall.rst; pkg/policy/repository.go computePolicyEnforcementAndRules).
   */
  hostFirewall?: boolean;
}

/** A complete question: cluster, the policies in force, probes and an optional matrix. */
export interface Scenario {
  datapath?: Datapath;
  options?: ScenarioOptions;
  cluster: Cluster;
  dnsCache?: DnsEntry[];
  policies: PolicyObject[];
  probes: Probe[];
  matrix?: MatrixSpec;
}

// ---------------------------------------------------------------------------------------------
// Normalised policies. Both Kubernetes and Cilium objects become a list of PolicyRule, each
// remembering the policy and the rule it came from, so a verdict can say why.

/** The policy kinds the engine understands. */
export type PolicyKind = 'NetworkPolicy' | 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';

/** A label selector, as written (matchLabels and matchExpressions). */
export interface Selector {
  matchLabels: Labels;
  matchExpressions: {key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[]}[];
}

/**
 * Every entity Cilium accepts (cilium/cilium pkg/policy/api/entity.go EntitySelectorMapping;
 * Documentation/security/policy/layer3.rst "Entities based"). The reader refuses any other name,
 * as Cilium does ("unsupported entity"). kube-apiserver and ingress match the addresses a scenario
 * lists under cluster.external with that identity.
 */
export const ENTITIES = [
  'all',
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'ingress',
  'health',
  'init',
  'unmanaged',
  'none',
] as const;
export type Entity = (typeof ENTITIES)[number];

/** Who a rule admits (or denies) on the other side of the connection. */
export type Peer =
  /** Kubernetes NetworkPolicy podSelector / namespaceSelector peer; matches pods only. */
  | {kind: 'pods'; podSelector: Selector; namespaces: {name: string} | {selector: Selector} | 'all'; source: SourceRef}
  /** Cilium fromEndpoints/toEndpoints: a selector on identity labels (reserved:* keys included). */
  | {kind: 'endpoints'; selector: Selector; source: SourceRef}
  | {kind: 'entity'; entity: Entity; source: SourceRef}
  /** ipBlock (origin `ipBlock`) or fromCIDR/fromCIDRSet/toCIDR/toCIDRSet (origin `cilium`). */
  | {kind: 'cidr'; cidr: string; except: string[]; origin: 'ipBlock' | 'cilium'; source: SourceRef}
  | {kind: 'service'; name?: string; namespace?: string; selector?: Selector; source: SourceRef}
  | {kind: 'fqdn'; matchName?: string; matchPattern?: string; source: SourceRef}
  | {kind: 'nodes'; selector: Selector; source: SourceRef};

/** One port or port range; no port (or 0) means every port of the protocols. */
export interface PortMatch {
  port?: number;
  /** A named port, resolved on the destination pod's container ports. */
  name?: string;
  endPort?: number;
  protocols: L4Protocol[];
}

/** An HTTP rule: every field given must match (Cilium docs layer7.rst; Envoy full-match regexes). */
export interface HttpRule {
  method?: string;
  path?: string;
  host?: string;
  /** `headers: ["X-Key: value"]` (exact value) or `["X-Key"]` (presence). */
  headers: {name: string; value?: string}[];
  headerMatches: {name: string; value?: string; mismatch?: 'LOG' | 'ADD' | 'DELETE' | 'REPLACE'}[];
  source: SourceRef;
}

/** A DNS rule: the names a pod may look up through Cilium's DNS proxy (layer7.rst "DNS Policy"). */
export interface DnsRule {
  matchName?: string;
  matchPattern?: string;
}

/** A toPorts entry: ports plus the L7 rules that apply to them. */
export interface PortGroup {
  ports: PortMatch[];
  /** Absent: no L7 filtering on these ports. */
  http?: HttpRule[];
  dns?: DnsRule[];
  source: SourceRef;
}

/** L4 restrictions of a rule. */
export interface L4 {
  ports: PortGroup[];
  icmps: {family: 'IPv4' | 'IPv6'; type: number}[];
}

/** Which pods a policy applies to. */
export interface Subject {
  /** The policy's namespace; absent for clusterwide policies. */
  namespace?: string;
  selector: Selector;
  /**
   * `pod-labels` for NetworkPolicy podSelector; `identity` for Cilium endpointSelector; `host` for
   * the nodeSelector of a host policy, matched against the host endpoint's labels (its node's
   * identity-relevant labels), never against pods.
   */
  on: 'pod-labels' | 'identity' | 'host';
}

/** One rule of one policy, normalised. */
export interface PolicyRule {
  direction: 'ingress' | 'egress';
  action: 'allow' | 'deny';
  /** The rule as a path in the object: `ingress[0]`, `specs[1].egressDeny[2]`, or `policyTypes` for isolation only. */
  label: string;
  source: SourceRef;
  subject: Subject;
  /** Whether this rule puts the selected pods into default deny for its direction. */
  defaultDeny: boolean;
  /** `any`: every peer (no L3 restriction). An empty list matches no peer. */
  peers: Peer[] | 'any';
  /** null: every port and protocol, ICMP included. */
  l4: L4 | null;
}

/** A parsed policy object. */
export interface PolicyObject {
  kind: PolicyKind;
  name: string;
  /** Absent for CiliumClusterwideNetworkPolicy. */
  namespace?: string;
  source: SourceRef;
  rules: PolicyRule[];
}

/** A Kubernetes object of another kind found among policy documents (Namespace, Pod, ...). */
export interface OtherObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The object as plain data. */
  object: Record<string, unknown>;
  source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// Results

/** A reference to the policy rule behind an explanation. */
export interface RuleRef {
  kind: PolicyKind;
  namespace?: string;
  name: string;
  rule: string;
  file: string;
  line: number;
  col: number;
}

/** One step of the reasoning behind a verdict. */
export interface Explanation {
  /** Which check this step is about. */
  side: 'egress' | 'ingress' | 'l7' | 'probe';
  /** What this step decided, or `note` for context (chosen backend, inferred behaviour). */
  effect: 'allowed' | 'dropped' | 'l7-denied' | 'note';
  /**
   * Why: `rule` (an allow rule matched), `deny-rule`, `default-deny` (isolated, nothing matched),
   * `not-isolated`, `local-node`, `not-enforced` (enforcement mode never, or not a pod),
   * `l7-rule`, `l7-wildcard`, `l7-no-match`, `backend`, `inferred`, `not-identity-label` (a
   * selector names a label Cilium leaves out of identities), `local-node-denied`, `audit` (policy audit mode let a drop through),
   * `host-firewall-off` (a host policy selects the node, but the agent's host firewall is off).
   */
  reason: string;
  /** The deciding rules (allow or deny), or for default-deny the policies that isolated the pod. */
  rules?: RuleRef[];
  /** Set when the step rests on a point the sources leave open; says which choice was made. */
  inferred?: string;
  /** One line of human text. */
  text: string;
}

/** The verdict on one probe. */
export interface ProbeResult {
  probe: number;
  verdict: Verdict;
  ingress: 'allowed' | 'dropped';
  egress: 'allowed' | 'dropped';
  /**
   * For probes with HTTP: the proxy's answer for l7-denied (403, "Access denied\r\n"); null
   * status and body when the request reaches (or never reaches) the application, whose answer
   * the engine does not model.
   */
  http?: {status: number | null; body: string | null};
  /**
   * For gRPC calls (content-type application/grpc) the proxy refused: the gRPC status and message
   * Envoy sends instead of the 403 (7 PERMISSION_DENIED, "Access denied\r\n"), in an HTTP 200
   * trailers-only reply (then `http` is status 200 with no body).
   */
  grpc?: {status: number; message: string};
  /**
   * For DNS probes: REFUSED when Cilium's DNS proxy refused the name (l7-denied); null when the
   * query reached the server (or never left), whose answer the engine does not model.
   */
  dns?: {rcode: 'REFUSED' | null};
  /**
   * Set when policy audit mode let through what L3/L4 policy drops: the verdict is `allowed`, and
   * this is the verdict Cilium would enforce without audit mode (Hubble shows the flow as AUDIT).
   */
  audit?: 'dropped';
  explanation: Explanation[];
}

/** Totals of a matrix on one port. */
export interface MatrixTotals {
  port: number;
  protocol: L4Protocol;
  allowed: number;
  dropped: number;
  // No l7-denied count: a matrix pair carries no request, so no L7 rule can deny it; every
  // admitted pair is counted as allowed. Ask with probes (http, dns) for L7 verdicts.
  /** Every ordered pair (only when cells were asked for). */
  cells?: {from: string; to: string; verdict: Verdict}[];
}

/**
 * Something a reader should know that does not stop evaluation: every verdict is still given (for
 * example a host policy that enforces nothing, or one that cuts nodes off from the API server).
 * Same shape as PolicyError, at the policy it is about.
 */
export type PolicyWarning = PolicyError;

/** Everything evaluateScenario found. */
export interface ScenarioResult {
  results: ProbeResult[];
  matrix?: MatrixTotals[];
  /** Probes or cluster references that could not be resolved (those probes have no result). */
  errors: PolicyError[];
  /** What the policies do that a reader may not expect; verdicts are given regardless. */
  warnings: PolicyWarning[];
}
