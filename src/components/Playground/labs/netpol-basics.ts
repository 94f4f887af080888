/**
 * The netpol-basics lab for the playground, loaded and validated with the same loader the runner uses.
 * A module of its own: the playground loads it when the learner picks it, so its texts stay out of
 * the page's first download.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from '../loadLab';
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
import netpolBasicsFrontendEgressDbNoTypes from '@site/labs/netpol-basics/frontend-egress-db-no-types.yaml?raw';
import netpolBasicsAllowDns from '@site/labs/netpol-basics/allow-dns.yaml?raw';
import netpolBasicsDbDenyAll from '@site/labs/netpol-basics/db-deny-all.yaml?raw';
import netpolBasicsDbAllowAllNamespaces from '@site/labs/netpol-basics/db-allow-all-namespaces.yaml?raw';
import netpolBasicsDenyOtherNamespaces from '@site/labs/netpol-basics/deny-other-namespaces.yaml?raw';
import netpolBasicsDbAllowPort from '@site/labs/netpol-basics/db-allow-port.yaml?raw';
import netpolBasicsFrontendDenyEgress from '@site/labs/netpol-basics/frontend-deny-egress.yaml?raw';
import netpolBasicsDenyExternalEgress from '@site/labs/netpol-basics/deny-external-egress.yaml?raw';

const lab: Lab = loadLabFromTexts('labs/netpol-basics', {
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
  'frontend-egress-db-no-types.yaml': netpolBasicsFrontendEgressDbNoTypes,
  'allow-dns.yaml': netpolBasicsAllowDns,
  'db-deny-all.yaml': netpolBasicsDbDenyAll,
  'db-allow-all-namespaces.yaml': netpolBasicsDbAllowAllNamespaces,
  'deny-other-namespaces.yaml': netpolBasicsDenyOtherNamespaces,
  'db-allow-port.yaml': netpolBasicsDbAllowPort,
  'frontend-deny-egress.yaml': netpolBasicsFrontendDenyEgress,
  'deny-external-egress.yaml': netpolBasicsDenyExternalEgress,
});
export default lab;
