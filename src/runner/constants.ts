/**
 * Names and pinned versions of the real target. One place, so the runner, its dry-run plan, the
 * tests and .github/workflows/labs.yml agree (tests/runner/workflow.test.ts holds the workflow to
 * these). Bump them together and re-run the kind workflow.
 *
 * Checked 2026-11-28 (VERSIONS_CHECKED):
 * - kind v0.33.0 is the newest kind release; its release notes
 *   (https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0) list the node images built for it:
 *   v1.37.0, v1.36.4, v1.35.8 and v1.34.11, each with its @sha256 digest, and say a node image must be
 *   pinned by that digest to be one built for the release.
 * - Cilium guarantees only the Kubernetes versions its docs list as e2e tested, and a release branch
 *   keeps the list it branched with (https://docs.cilium.io/en/v1.20/network/kubernetes/compatibility/,
 *   Documentation/network/kubernetes/compatibility.rst). 1.20's table could not be read from the
 *   sources available when this was checked; 1.19's lists 1.32-1.35. v1.35.8 is the newest kind
 *   v0.33.0 image in that window, the safe choice until 1.20's table is read: if it lists 1.36, move
 *   to v1.36.4 (same release notes); kind's default v1.37.0 only if it lists 1.37.
 * - Cilium 1.20.2 is the newest 1.20 patch whose release (https://github.com/cilium/cilium/releases/tag/v1.20.2)
 *   could be confirmed on that date.
 * - cilium-cli v0.19.7 (https://github.com/cilium/cilium-cli/releases).
 */

/** The date the versions below were last checked against their upstream release notes. */
export const VERSIONS_CHECKED = '2026-11-28';

/** The only kind cluster the runner creates, uses or deletes. */
export const CLUSTER_NAME = 'netpol-labs';

/** kind names the kubeconfig context `kind-<cluster>`; with --target kind no other context is used. */
export const KIND_CONTEXT = `kind-${CLUSTER_NAME}`;

/** kind release the workflow installs and preflight expects (`kind version` prints `kind v0.33.0 ...`). */
export const KIND_VERSION = 'v0.33.0';

/** Kubernetes version of the node image (the workflow installs the kubectl of the same version). */
export const KUBERNETES_VERSION = 'v1.35.8';

/**
 * Node image: Kubernetes 1.35.8 as built for kind v0.33.0, pinned by the digest its release notes
 * give (a tag alone may name an image built for another kind release). Passing it explicitly keeps
 * the cluster the same whichever kind default a user has.
 */
export const KIND_NODE_IMAGE = `kindest/node:${KUBERNETES_VERSION}@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0`;

/** Cilium chart/agent version installed by `netpol-labs up` unless --cilium-version says otherwise. */
export const CILIUM_VERSION = '1.20.2';

/** cilium-cli release the workflow installs. */
export const CILIUM_CLI_VERSION = 'v0.19.7';

/** Helm repository of the Cilium chart (for users who have helm but not the cilium CLI). */
export const CILIUM_HELM_REPO = 'https://helm.cilium.io/';

/** The Helm release both installers create (cilium-cli installs through Helm under this name). */
export const CILIUM_RELEASE = 'cilium';

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

/**
 * The client image for pods whose probes need more than curl (grpc, tcp, dns, icmp probes):
 * nicolaka/netshoot (https://github.com/nicolaka/netshoot, its Dockerfile): Alpine with, among many
 * tools, `curl` (Alpine builds it --with-nghttp2, so --http2-prior-knowledge works: alpinelinux/aports
 * main/curl/APKBUILD), `bind-tools` (BIND's dig), `iputils` (ping) and `netcat-openbsd` (nc); built
 * for linux/amd64 and linux/arm64 (.github/workflows/release-buildx.yml). Maintained: releases
 * follow Alpine (the base moved from 3.17 to 3.22 in the Dockerfile's history).
 *
 * Pinned by tag: images brought in with `kind load` are found by tag only, so a digest in a manifest
 * would make the nodes pull it instead. v0.16 is the newest release tag seen in public manifests
 * when this was checked (2026-11-29), there pinned as
 * sha256:b09d9b21381f47a79b3cbcb30da25266dc17186ea00ae65e99fdc51396f48e70 (the tag's index; not
 * checked against the registry from here).
 *
 * The classifiers are tested with Debian 12's packages (tests/runner/classify-kinds.test.ts); the
 * image carries the same upstream programs, with the same messages:
 * - nc: Alpine's netcat-openbsd is Debian's netcat-openbsd, built from Debian's sources with Debian's
 *   patch series (aports main/netcat-openbsd/APKBUILD), the same as Debian package netcat-openbsd;
 * - ping: iputils from github.com/iputils/iputils in both (Debian iputils-ping);
 * - dig: ISC BIND 9 in both (Debian bind9-dnsutils);
 * - curl: curl with nghttp2 in both.
 * The image installs from Alpine edge at build time, so its versions are newer than Debian 12's and
 * the tests pin the wording of Debian 12's versions (dig 9.18, nc 1.219, iputils 20221126, curl
 * 7.88); a newer version that words a line differently makes its classifier say `error`, never a
 * pass, so the kind workflow would show it. What surely differs is the C library:
 * musl's gai_strerror() words a failed lookup unlike glibc's ("Name does not resolve" against
 * "Name or service not known"); src/runner/probe-text.ts accepts both. Confirm on a real cluster
 * run when bumping the tag.
 */
export const CLIENT_IMAGE = 'nicolaka/netshoot:v0.16';
