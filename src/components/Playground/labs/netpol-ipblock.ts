/**
 * The netpol-ipblock lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import netpolIpblockLab from '@site/labs/netpol-ipblock/lab.yaml?raw';
import netpolIpblockApp from '@site/labs/netpol-ipblock/app.yaml?raw';
import netpolIpblockDbAllowKindNetwork from '@site/labs/netpol-ipblock/db-allow-kind-network.yaml?raw';
import netpolIpblockDbAllowKindNetworkExcept from '@site/labs/netpol-ipblock/db-allow-kind-network-except.yaml?raw';
import netpolIpblockDbAllowPodCidr from '@site/labs/netpol-ipblock/db-allow-pod-cidr.yaml?raw';
import netpolIpblockDbAllowExternal from '@site/labs/netpol-ipblock/db-allow-external.yaml?raw';
import netpolIpblockTestNp from '@site/labs/netpol-ipblock/test-np.yaml?raw';
import netpolIpblockTestNpHostBits from '@site/labs/netpol-ipblock/test-np-host-bits.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/netpol-ipblock', {
  'lab.yaml': netpolIpblockLab,
  'app.yaml': netpolIpblockApp,
  'db-allow-kind-network.yaml': netpolIpblockDbAllowKindNetwork,
  'db-allow-kind-network-except.yaml': netpolIpblockDbAllowKindNetworkExcept,
  'db-allow-pod-cidr.yaml': netpolIpblockDbAllowPodCidr,
  'db-allow-external.yaml': netpolIpblockDbAllowExternal,
  'test-np.yaml': netpolIpblockTestNp,
  'test-np-host-bits.yaml': netpolIpblockTestNpHostBits,
});
export default lab;
