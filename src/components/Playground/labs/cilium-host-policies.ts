/**
 * The cilium-host-policies lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import ciliumHostPoliciesLab from '@site/labs/cilium-host-policies/lab.yaml?raw';
import ciliumHostPoliciesApp from '@site/labs/cilium-host-policies/app.yaml?raw';
import ciliumHostPoliciesWorkersHostPolicy from '@site/labs/cilium-host-policies/workers-host-policy.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/cilium-host-policies', {
  'lab.yaml': ciliumHostPoliciesLab,
  'app.yaml': ciliumHostPoliciesApp,
  'workers-host-policy.yaml': ciliumHostPoliciesWorkersHostPolicy,
});

export default lab;
