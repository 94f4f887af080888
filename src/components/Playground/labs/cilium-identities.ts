/**
 * The cilium-identities lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import ciliumIdentitiesLab from '@site/labs/cilium-identities/lab.yaml?raw';
import ciliumIdentitiesApp from '@site/labs/cilium-identities/app.yaml?raw';
import ciliumIdentitiesDeathstarFromEmpire from '@site/labs/cilium-identities/deathstar-from-empire.yaml?raw';
import ciliumIdentitiesDeathstarFromRebelsNamespace from '@site/labs/cilium-identities/deathstar-from-rebels-namespace.yaml?raw';
import ciliumIdentitiesDeathstarFromTiePilots from '@site/labs/cilium-identities/deathstar-from-tie-pilots.yaml?raw';
import ciliumIdentitiesTiefighterToHost from '@site/labs/cilium-identities/tiefighter-to-host.yaml?raw';
import ciliumIdentitiesTiefighterToRemoteNode from '@site/labs/cilium-identities/tiefighter-to-remote-node.yaml?raw';
import ciliumIdentitiesTiefighterToCluster from '@site/labs/cilium-identities/tiefighter-to-cluster.yaml?raw';
import ciliumIdentitiesTiefighterToKubeApiserver from '@site/labs/cilium-identities/tiefighter-to-kube-apiserver.yaml?raw';
import ciliumIdentitiesTiefighterToPrivateCidrs from '@site/labs/cilium-identities/tiefighter-to-private-cidrs.yaml?raw';
import ciliumIdentitiesTiefighterToDeathstarService from '@site/labs/cilium-identities/tiefighter-to-deathstar-service.yaml?raw';
import ciliumIdentitiesTiefighterToEmpireServices from '@site/labs/cilium-identities/tiefighter-to-empire-services.yaml?raw';
import ciliumIdentitiesDeathstarPingFromTiefighter from '@site/labs/cilium-identities/deathstar-ping-from-tiefighter.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/cilium-identities', {
  'lab.yaml': ciliumIdentitiesLab,
  'app.yaml': ciliumIdentitiesApp,
  'deathstar-from-empire.yaml': ciliumIdentitiesDeathstarFromEmpire,
  'deathstar-from-rebels-namespace.yaml': ciliumIdentitiesDeathstarFromRebelsNamespace,
  'deathstar-from-tie-pilots.yaml': ciliumIdentitiesDeathstarFromTiePilots,
  'tiefighter-to-host.yaml': ciliumIdentitiesTiefighterToHost,
  'tiefighter-to-remote-node.yaml': ciliumIdentitiesTiefighterToRemoteNode,
  'tiefighter-to-cluster.yaml': ciliumIdentitiesTiefighterToCluster,
  'tiefighter-to-kube-apiserver.yaml': ciliumIdentitiesTiefighterToKubeApiserver,
  'tiefighter-to-private-cidrs.yaml': ciliumIdentitiesTiefighterToPrivateCidrs,
  'tiefighter-to-deathstar-service.yaml': ciliumIdentitiesTiefighterToDeathstarService,
  'tiefighter-to-empire-services.yaml': ciliumIdentitiesTiefighterToEmpireServices,
  'deathstar-ping-from-tiefighter.yaml': ciliumIdentitiesDeathstarPingFromTiefighter,
});
export default lab;
