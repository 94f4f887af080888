/**
 * Names and pinned versions of the real target. One place, so the runner, its dry-run plan, the
 * tests and .github/workflows/labs.yml agree. Versions come from
 * /work/shared/notes/cilium-lab-facts.md ("Cilium on kind", late 2026): Cilium 1.20.0 is the current
 * release, cilium-cli v0.19.7, kind v0.33.0 whose default node image is Kubernetes 1.37.0 (kind >= v0.32
 * is needed for `kind load` with 1.36+ node images). Bump them together and re-run the kind workflow.
 */

/** The only kind cluster the runner creates, uses or deletes. */
export const CLUSTER_NAME = 'netpol-labs';

/** kind names the kubeconfig context `kind-<cluster>`; with --target kind no other context is used. */
export const KIND_CONTEXT = `kind-${CLUSTER_NAME}`;

/** kind release the workflow installs and preflight expects (`kind version` prints `kind v0.33.0 ...`). */
export const KIND_VERSION = 'v0.33.0';

/**
 * Node image: kind v0.33.0's default, Kubernetes 1.37.0. Pinned by tag, which is how kind's release
 * notes name it; passing it explicitly keeps the cluster the same when a user has another kind.
 */
export const KIND_NODE_IMAGE = 'kindest/node:v1.37.0';

/** Cilium chart/agent version installed by `netpol-labs up` unless --cilium-version says otherwise. */
export const CILIUM_VERSION = '1.20.0';

/** cilium-cli release the workflow installs. */
export const CILIUM_CLI_VERSION = 'v0.19.7';

/** Helm repository of the Cilium chart (for users who have helm but not the cilium CLI). */
export const CILIUM_HELM_REPO = 'https://helm.cilium.io/';

/** Oldest tool versions the runner is written against; older ones get a warning from preflight. */
export const MIN_VERSIONS = {kind: '0.32.0', kubectl: '1.30.0', cilium: '0.16.0', helm: '3.12.0'} as const;

/**
 * Labels the runner puts on everything it creates, so it can delete exactly that and nothing else.
 * `app.kubernetes.io/managed-by` is the well-known label for "which tool manages this object".
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'netpol-labs';
export const LAB_LABEL = 'netpol-labs.io/lab';

/** Policy resource kinds as kubectl names them, fully qualified so no other CRD named alike matches. */
export const POLICY_RESOURCES = {
  NetworkPolicy: 'networkpolicies.networking.k8s.io',
  CiliumNetworkPolicy: 'ciliumnetworkpolicies.cilium.io',
  CiliumClusterwideNetworkPolicy: 'ciliumclusterwidenetworkpolicies.cilium.io',
} as const;

/** Timeouts of external commands, in milliseconds. Every command the runner starts has one. */
export const TIMEOUTS = {
  /** `--version` style calls and quick reads. */
  quick: 20_000,
  /** kubectl apply/delete/get. */
  kubectl: 60_000,
  /** kind create cluster (image pull included on a cold machine). */
  kindCreate: 600_000,
  kindDelete: 180_000,
  /** docker pull / kind load of one image. */
  image: 600_000,
  /** cilium install / helm install (without waiting). */
  ciliumInstall: 600_000,
  /** cilium status --wait; the CLI's own default wait is 5 minutes, CI runners can be slower. */
  ciliumWait: 660_000,
  /** Waiting for the app's pods. */
  appReady: 300_000,
  /** One probe: curl's own --max-time plus kubectl exec start-up. */
  probe: 30_000,
} as const;

/** How long a step may take to converge (policies realised, behaviour as expected). */
export const CONVERGE_DEADLINE_MS = 90_000;
/** Consecutive matching polls that count as converged (one lucky poll is not evidence). */
export const CONVERGE_CONSECUTIVE = 2;
