/**
 * The netpol-sctp lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
import netpolSctpLab from '@site/labs/netpol-sctp/lab.yaml?raw';
import netpolSctpApp from '@site/labs/netpol-sctp/app.yaml?raw';
import netpolSctpCommsAllowSctp from '@site/labs/netpol-sctp/comms-allow-sctp.yaml?raw';
import netpolSctpCommsAllowTcp from '@site/labs/netpol-sctp/comms-allow-tcp.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/netpol-sctp', {
  'lab.yaml': netpolSctpLab,
  'app.yaml': netpolSctpApp,
  'comms-allow-sctp.yaml': netpolSctpCommsAllowSctp,
  'comms-allow-tcp.yaml': netpolSctpCommsAllowTcp,
});
export default lab;
