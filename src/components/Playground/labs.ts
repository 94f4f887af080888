/**
 * The labs the playground offers, from the exact text of their files in labs/: the deathstar here,
 * every other lab in ./labs/<lab>.ts, loaded when picked (the page's first download stays within its
 * budget as the course grows). Every file that lab.yaml names must be imported; a missing one fails
 * the build with its name, and tests/lab/playground-labs.test.ts fails when a lab of labs/ is
 * missing from PLAYGROUND_LABS or differs from the files on disk.
 */
import type {Lab} from '@site/src/lab/load';
import {loadLabFromTexts} from './loadLab';
import deathstarLab from '@site/labs/deathstar/lab.yaml?raw';
import deathstarApp from '@site/labs/deathstar/app.yaml?raw';
import deathstarDeathstarAllowEmpire from '@site/labs/deathstar/deathstar-allow-empire.yaml?raw';
import deathstarRule1L3L4 from '@site/labs/deathstar/rule1-l3-l4.yaml?raw';
import deathstarRule1L7 from '@site/labs/deathstar/rule1-l7.yaml?raw';
import deathstarRule1L7Ingress from '@site/labs/deathstar/rule1-l7-ingress.yaml?raw';

/** The deathstar lab (module 1), loaded and validated with the same loader the runner uses. */
export const deathstar: Lab = loadLabFromTexts('labs/deathstar', {
  'lab.yaml': deathstarLab,
  'app.yaml': deathstarApp,
  'deathstar-allow-empire.yaml': deathstarDeathstarAllowEmpire,
  'rule1-l3-l4.yaml': deathstarRule1L3L4,
  'rule1-l7.yaml': deathstarRule1L7,
  'rule1-l7-ingress.yaml': deathstarRule1L7Ingress,
});

/** A lab the playground offers: its id and title for the picker, and how to load it. */
export interface PlaygroundLab {
  id: string;
  title: string;
  /** The lab, loaded and validated; every lab but the first is a chunk of its own, fetched on demand. */
  load: () => Promise<Lab>;
}

/** Every lab, in the course's order: the lab picker's choices. */
export const PLAYGROUND_LABS: readonly PlaygroundLab[] = [
  {id: deathstar.id, title: deathstar.title, load: () => Promise.resolve(deathstar)},
  {id: 'netpol-basics', title: 'Kubernetes NetworkPolicy in depth: the database, its frontends and three namespaces', load: () => import('./labs/netpol-basics').then((m) => m.default)},
  {id: 'netpol-ipblock', title: "ipBlock: a machine outside the cluster, except, pod addresses, and the notes' policy repaired", load: () => import('./labs/netpol-ipblock').then((m) => m.default)},
  {id: 'netpol-sctp', title: 'SCTP: a rule for SCTP never allows TCP, and the reverse', load: () => import('./labs/netpol-sctp').then((m) => m.default)},
  {id: 'cilium-identities', title: 'Identities: endpoints, namespaces, service accounts, entities, CIDRs, Services and pings', load: () => import('./labs/cilium-identities').then((m) => m.default)},
  {id: 'cilium-deny-cluster', title: 'Deny rules and cluster-wide baselines', load: () => import('./labs/cilium-deny-cluster').then((m) => m.default)},
  {id: 'mediabot-fqdn', title: 'The mediabot: DNS-aware egress, CIDRs and the world outside', load: () => import('./labs/mediabot-fqdn').then((m) => m.default)},
  {id: 'cilium-host-policies', title: "Host policies: the worker nodes behind Cilium's host firewall", load: () => import('./labs/cilium-host-policies').then((m) => m.default)},
  {id: 'imperial-archive', title: 'The Imperial archive: HTTP rules in depth', load: () => import('./labs/imperial-archive').then((m) => m.default)},
  {id: 'cloud-city-grpc', title: 'Cloud City: gRPC methods through Envoy', load: () => import('./labs/cloud-city-grpc').then((m) => m.default)},
  {id: 'probe-droids-dns', title: "The probe droids: DNS rules on Cilium's DNS proxy", load: () => import('./labs/probe-droids-dns').then((m) => m.default)},
];

/** The step the playground opens on, in the deathstar lab: the first HTTP-aware policy, the most interesting to edit. */
export const DEFAULT_STEP = 'cilium-l7';
