/**
 * The labs the playground offers, from the exact text of their files in labs/. Every file that
 * lab.yaml names must be imported here; a missing one fails the build with its name, and
 * tests/lab/playground-labs.test.ts fails when a lab of labs/ is missing from PLAYGROUND_LABS.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from './loadLab';
import deathstarLab from '@site/labs/deathstar/lab.yaml?raw';
import deathstarApp from '@site/labs/deathstar/app.yaml?raw';
import deathstarDeathstarAllowEmpire from '@site/labs/deathstar/deathstar-allow-empire.yaml?raw';
import deathstarRule1L3L4 from '@site/labs/deathstar/rule1-l3-l4.yaml?raw';
import deathstarRule1L7 from '@site/labs/deathstar/rule1-l7.yaml?raw';
import deathstarRule1L7Ingress from '@site/labs/deathstar/rule1-l7-ingress.yaml?raw';
import netpolBasicsLab from '@site/labs/netpol-basics/lab.yaml?raw';
import netpolBasicsApp from '@site/labs/netpol-basics/app.yaml?raw';
import netpolBasicsDbAllowFrontend from '@site/labs/netpol-basics/db-allow-frontend.yaml?raw';
import netpolBasicsDbAllowMyproject from '@site/labs/netpol-basics/db-allow-myproject.yaml?raw';
import netpolBasicsDbPorts from '@site/labs/netpol-basics/db-ports.yaml?raw';
import netpolBasicsDbAllowUdp from '@site/labs/netpol-basics/db-allow-udp.yaml?raw';
import netpolBasicsDbAllowMyprojectFrontends from '@site/labs/netpol-basics/db-allow-myproject-frontends.yaml?raw';
import netpolBasicsDbAllowMyprojectOrFrontends from '@site/labs/netpol-basics/db-allow-myproject-or-frontends.yaml?raw';
import netpolBasicsDbAllowTatooine from '@site/labs/netpol-basics/db-allow-tatooine.yaml?raw';
import netpolBasicsDefaultDenyIngress from '@site/labs/netpol-basics/default-deny-ingress.yaml?raw';
import netpolBasicsDefaultDenyEgress from '@site/labs/netpol-basics/default-deny-egress.yaml?raw';
import netpolBasicsDefaultDenyAll from '@site/labs/netpol-basics/default-deny-all.yaml?raw';
import netpolBasicsAllowAllIngress from '@site/labs/netpol-basics/allow-all-ingress.yaml?raw';
import netpolBasicsFrontendEgressDb from '@site/labs/netpol-basics/frontend-egress-db.yaml?raw';
import netpolBasicsAllowDns from '@site/labs/netpol-basics/allow-dns.yaml?raw';
import netpolBasicsDbDenyAll from '@site/labs/netpol-basics/db-deny-all.yaml?raw';
import netpolBasicsDbAllowAllNamespaces from '@site/labs/netpol-basics/db-allow-all-namespaces.yaml?raw';
import netpolBasicsDenyOtherNamespaces from '@site/labs/netpol-basics/deny-other-namespaces.yaml?raw';
import netpolBasicsDbAllowPort from '@site/labs/netpol-basics/db-allow-port.yaml?raw';
import netpolBasicsFrontendDenyEgress from '@site/labs/netpol-basics/frontend-deny-egress.yaml?raw';
import netpolBasicsDenyExternalEgress from '@site/labs/netpol-basics/deny-external-egress.yaml?raw';
import netpolIpblockLab from '@site/labs/netpol-ipblock/lab.yaml?raw';
import netpolIpblockApp from '@site/labs/netpol-ipblock/app.yaml?raw';
import netpolIpblockDbAllowKindNetwork from '@site/labs/netpol-ipblock/db-allow-kind-network.yaml?raw';
import netpolIpblockDbAllowKindNetworkExcept from '@site/labs/netpol-ipblock/db-allow-kind-network-except.yaml?raw';
import netpolIpblockDbAllowPodCidr from '@site/labs/netpol-ipblock/db-allow-pod-cidr.yaml?raw';
import netpolIpblockDbAllowExternal from '@site/labs/netpol-ipblock/db-allow-external.yaml?raw';
import netpolIpblockTestNp from '@site/labs/netpol-ipblock/test-np.yaml?raw';
import netpolIpblockTestNpHostBits from '@site/labs/netpol-ipblock/test-np-host-bits.yaml?raw';

import ciliumIdentitiesLab from '@site/labs/cilium-identities/lab.yaml?raw';
import ciliumIdentitiesApp from '@site/labs/cilium-identities/app.yaml?raw';
import ciliumIdentitiesDeathstarFromEmpire from '@site/labs/cilium-identities/deathstar-from-empire.yaml?raw';
import ciliumIdentitiesDeathstarFromRebelsNamespace from '@site/labs/cilium-identities/deathstar-from-rebels-namespace.yaml?raw';
import ciliumIdentitiesDeathstarFromTiePilots from '@site/labs/cilium-identities/deathstar-from-tie-pilots.yaml?raw';
import ciliumIdentitiesTiefighterToHost from '@site/labs/cilium-identities/tiefighter-to-host.yaml?raw';
import ciliumIdentitiesTiefighterToRemoteNode from '@site/labs/cilium-identities/tiefighter-to-remote-node.yaml?raw';
import ciliumIdentitiesTiefighterToCluster from '@site/labs/cilium-identities/tiefighter-to-cluster.yaml?raw';
import ciliumIdentitiesTiefighterToPrivateCidrs from '@site/labs/cilium-identities/tiefighter-to-private-cidrs.yaml?raw';
import ciliumIdentitiesTiefighterToDeathstarService from '@site/labs/cilium-identities/tiefighter-to-deathstar-service.yaml?raw';
import ciliumIdentitiesTiefighterToEmpireServices from '@site/labs/cilium-identities/tiefighter-to-empire-services.yaml?raw';
import ciliumIdentitiesDeathstarPingFromTiefighter from '@site/labs/cilium-identities/deathstar-ping-from-tiefighter.yaml?raw';
import ciliumDenyClusterLab from '@site/labs/cilium-deny-cluster/lab.yaml?raw';
import ciliumDenyClusterApp from '@site/labs/cilium-deny-cluster/app.yaml?raw';
import ciliumDenyClusterDeathstarAllowEmpire from '@site/labs/cilium-deny-cluster/deathstar-allow-empire.yaml?raw';
import ciliumDenyClusterDeathstarDenyBombers from '@site/labs/cilium-deny-cluster/deathstar-deny-bombers.yaml?raw';
import ciliumDenyClusterDeathstarK8sAllowAll from '@site/labs/cilium-deny-cluster/deathstar-k8s-allow-all.yaml?raw';
import ciliumDenyClusterDeathstarDenyRebels from '@site/labs/cilium-deny-cluster/deathstar-deny-rebels.yaml?raw';
import ciliumDenyClusterDeathstarDenyRebelsOnly from '@site/labs/cilium-deny-cluster/deathstar-deny-rebels-only.yaml?raw';
import ciliumDenyClusterBaselineDefaultDeny from '@site/labs/cilium-deny-cluster/baseline-default-deny.yaml?raw';
import ciliumDenyClusterTiefighterToDeathstar from '@site/labs/cilium-deny-cluster/tiefighter-to-deathstar.yaml?raw';
import mediabotFqdnLab from '@site/labs/mediabot-fqdn/lab.yaml?raw';
import mediabotFqdnApp from '@site/labs/mediabot-fqdn/app.yaml?raw';
import mediabotFqdnMediabotDnsOnly from '@site/labs/mediabot-fqdn/mediabot-dns-only.yaml?raw';
import mediabotFqdnMediabotHolonet from '@site/labs/mediabot-fqdn/mediabot-holonet.yaml?raw';
import mediabotFqdnMediabotHolonetSubdomains from '@site/labs/mediabot-fqdn/mediabot-holonet-subdomains.yaml?raw';
import mediabotFqdnMediabotHolonetLookupsOnly from '@site/labs/mediabot-fqdn/mediabot-holonet-lookups-only.yaml?raw';
import mediabotFqdnMediabotHolonetHttp from '@site/labs/mediabot-fqdn/mediabot-holonet-http.yaml?raw';
import mediabotFqdnMediabotOutsideCidr from '@site/labs/mediabot-fqdn/mediabot-outside-cidr.yaml?raw';
import mediabotFqdnMediabotWorld from '@site/labs/mediabot-fqdn/mediabot-world.yaml?raw';
import mediabotFqdnDeathstarFromWorld from '@site/labs/mediabot-fqdn/deathstar-from-world.yaml?raw';
import mediabotFqdnDeathstarFromOutsideCidr from '@site/labs/mediabot-fqdn/deathstar-from-outside-cidr.yaml?raw';

/** The deathstar lab (module 1), loaded and validated with the same loader the runner uses. */
export const deathstar: Lab = loadLabFromTexts('labs/deathstar', {
  'lab.yaml': deathstarLab,
  'app.yaml': deathstarApp,
  'deathstar-allow-empire.yaml': deathstarDeathstarAllowEmpire,
  'rule1-l3-l4.yaml': deathstarRule1L3L4,
  'rule1-l7.yaml': deathstarRule1L7,
  'rule1-l7-ingress.yaml': deathstarRule1L7Ingress,
});

/** Module 2's NetworkPolicy lab, loaded and validated with the same loader the runner uses. */
export const netpolBasics: Lab = loadLabFromTexts('labs/netpol-basics', {
  'lab.yaml': netpolBasicsLab,
  'app.yaml': netpolBasicsApp,
  'db-allow-frontend.yaml': netpolBasicsDbAllowFrontend,
  'db-allow-myproject.yaml': netpolBasicsDbAllowMyproject,
  'db-ports.yaml': netpolBasicsDbPorts,
  'db-allow-udp.yaml': netpolBasicsDbAllowUdp,
  'db-allow-myproject-frontends.yaml': netpolBasicsDbAllowMyprojectFrontends,
  'db-allow-myproject-or-frontends.yaml': netpolBasicsDbAllowMyprojectOrFrontends,
  'db-allow-tatooine.yaml': netpolBasicsDbAllowTatooine,
  'default-deny-ingress.yaml': netpolBasicsDefaultDenyIngress,
  'default-deny-egress.yaml': netpolBasicsDefaultDenyEgress,
  'default-deny-all.yaml': netpolBasicsDefaultDenyAll,
  'allow-all-ingress.yaml': netpolBasicsAllowAllIngress,
  'frontend-egress-db.yaml': netpolBasicsFrontendEgressDb,
  'allow-dns.yaml': netpolBasicsAllowDns,
  'db-deny-all.yaml': netpolBasicsDbDenyAll,
  'db-allow-all-namespaces.yaml': netpolBasicsDbAllowAllNamespaces,
  'deny-other-namespaces.yaml': netpolBasicsDenyOtherNamespaces,
  'db-allow-port.yaml': netpolBasicsDbAllowPort,
  'frontend-deny-egress.yaml': netpolBasicsFrontendDenyEgress,
  'deny-external-egress.yaml': netpolBasicsDenyExternalEgress,
});

/** Module 2's ipBlock lab, loaded and validated with the same loader the runner uses. */
export const netpolIpblock: Lab = loadLabFromTexts('labs/netpol-ipblock', {
  'lab.yaml': netpolIpblockLab,
  'app.yaml': netpolIpblockApp,
  'db-allow-kind-network.yaml': netpolIpblockDbAllowKindNetwork,
  'db-allow-kind-network-except.yaml': netpolIpblockDbAllowKindNetworkExcept,
  'db-allow-pod-cidr.yaml': netpolIpblockDbAllowPodCidr,
  'db-allow-external.yaml': netpolIpblockDbAllowExternal,
  'test-np.yaml': netpolIpblockTestNp,
  'test-np-host-bits.yaml': netpolIpblockTestNpHostBits,
});

/** Module 3's cilium-identities lab, loaded and validated with the same loader the runner uses. */
export const ciliumIdentities: Lab = loadLabFromTexts('labs/cilium-identities', {
  'lab.yaml': ciliumIdentitiesLab,
  'app.yaml': ciliumIdentitiesApp,
  'deathstar-from-empire.yaml': ciliumIdentitiesDeathstarFromEmpire,
  'deathstar-from-rebels-namespace.yaml': ciliumIdentitiesDeathstarFromRebelsNamespace,
  'deathstar-from-tie-pilots.yaml': ciliumIdentitiesDeathstarFromTiePilots,
  'tiefighter-to-host.yaml': ciliumIdentitiesTiefighterToHost,
  'tiefighter-to-remote-node.yaml': ciliumIdentitiesTiefighterToRemoteNode,
  'tiefighter-to-cluster.yaml': ciliumIdentitiesTiefighterToCluster,
  'tiefighter-to-private-cidrs.yaml': ciliumIdentitiesTiefighterToPrivateCidrs,
  'tiefighter-to-deathstar-service.yaml': ciliumIdentitiesTiefighterToDeathstarService,
  'tiefighter-to-empire-services.yaml': ciliumIdentitiesTiefighterToEmpireServices,
  'deathstar-ping-from-tiefighter.yaml': ciliumIdentitiesDeathstarPingFromTiefighter,
});

/** Module 3's cilium-deny-cluster lab, loaded and validated with the same loader the runner uses. */
export const ciliumDenyCluster: Lab = loadLabFromTexts('labs/cilium-deny-cluster', {
  'lab.yaml': ciliumDenyClusterLab,
  'app.yaml': ciliumDenyClusterApp,
  'deathstar-allow-empire.yaml': ciliumDenyClusterDeathstarAllowEmpire,
  'deathstar-deny-bombers.yaml': ciliumDenyClusterDeathstarDenyBombers,
  'deathstar-k8s-allow-all.yaml': ciliumDenyClusterDeathstarK8sAllowAll,
  'deathstar-deny-rebels.yaml': ciliumDenyClusterDeathstarDenyRebels,
  'deathstar-deny-rebels-only.yaml': ciliumDenyClusterDeathstarDenyRebelsOnly,
  'baseline-default-deny.yaml': ciliumDenyClusterBaselineDefaultDeny,
  'tiefighter-to-deathstar.yaml': ciliumDenyClusterTiefighterToDeathstar,
});

/** Module 3's mediabot-fqdn lab, loaded and validated with the same loader the runner uses. */
export const mediabotFqdn: Lab = loadLabFromTexts('labs/mediabot-fqdn', {
  'lab.yaml': mediabotFqdnLab,
  'app.yaml': mediabotFqdnApp,
  'mediabot-dns-only.yaml': mediabotFqdnMediabotDnsOnly,
  'mediabot-holonet.yaml': mediabotFqdnMediabotHolonet,
  'mediabot-holonet-subdomains.yaml': mediabotFqdnMediabotHolonetSubdomains,
  'mediabot-holonet-lookups-only.yaml': mediabotFqdnMediabotHolonetLookupsOnly,
  'mediabot-holonet-http.yaml': mediabotFqdnMediabotHolonetHttp,
  'mediabot-outside-cidr.yaml': mediabotFqdnMediabotOutsideCidr,
  'mediabot-world.yaml': mediabotFqdnMediabotWorld,
  'deathstar-from-world.yaml': mediabotFqdnDeathstarFromWorld,
  'deathstar-from-outside-cidr.yaml': mediabotFqdnDeathstarFromOutsideCidr,
});

/** Every lab, in the course's order: the lab picker's choices. */
export const PLAYGROUND_LABS: readonly Lab[] = [deathstar, netpolBasics, netpolIpblock, ciliumIdentities, ciliumDenyCluster, mediabotFqdn];

/** The lab and step the playground opens on: the first HTTP-aware policy, the most interesting to edit. */
export const DEFAULT_LAB = 'deathstar';
export const DEFAULT_STEP = 'cilium-l7';
