/**
 * The cilium-deny-cluster lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import ciliumDenyClusterLab from '@site/labs/cilium-deny-cluster/lab.yaml?raw';
import ciliumDenyClusterApp from '@site/labs/cilium-deny-cluster/app.yaml?raw';
import ciliumDenyClusterDeathstarAllowEmpire from '@site/labs/cilium-deny-cluster/deathstar-allow-empire.yaml?raw';
import ciliumDenyClusterDeathstarDenyBombers from '@site/labs/cilium-deny-cluster/deathstar-deny-bombers.yaml?raw';
import ciliumDenyClusterDeathstarK8sAllowAll from '@site/labs/cilium-deny-cluster/deathstar-k8s-allow-all.yaml?raw';
import ciliumDenyClusterDeathstarDenyRebels from '@site/labs/cilium-deny-cluster/deathstar-deny-rebels.yaml?raw';
import ciliumDenyClusterDeathstarDenyRebelsOnly from '@site/labs/cilium-deny-cluster/deathstar-deny-rebels-only.yaml?raw';
import ciliumDenyClusterBaselineDefaultDeny from '@site/labs/cilium-deny-cluster/baseline-default-deny.yaml?raw';
import ciliumDenyClusterTiefighterToDeathstar from '@site/labs/cilium-deny-cluster/tiefighter-to-deathstar.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/cilium-deny-cluster', {
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
export default lab;
