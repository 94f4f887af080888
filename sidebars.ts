import type {SidebarsConfig} from '@docusaurus/plugin-content-docs';

/** The course, in reading order. */
const sidebars: SidebarsConfig = {
  course: [
    'intro',
    {
      type: 'category',
      label: 'Module 1: the Death Star',
      collapsed: false,
      link: {type: 'doc', id: 'deathstar/index'},
      items: [
        'deathstar/default-allow',
        'deathstar/kubernetes-l3-l4',
        'deathstar/cilium-l3-l4',
        'deathstar/cilium-l7',
        'deathstar/l4-wildcards-l7',
        'deathstar/ingress-entity',
        'deathstar/hubble',
        'deathstar/challenges',
      ],
    },
    {
      type: 'category',
      label: 'Module 2: Kubernetes NetworkPolicy in depth',
      collapsed: false,
      link: {type: 'doc', id: 'netpol/index'},
      items: [
        'netpol/model',
        'netpol/scheme',
        'netpol/and-or',
        'netpol/default-deny',
        'netpol/egress-dns',
        'netpol/ipblock',
        'netpol/spot-the-bug',
        'netpol/limits',
        'netpol/recipes',
        'netpol/challenges',
      ],
    },
    {
      type: 'category',
      label: "Module 3: Cilium's policy language",
      collapsed: false,
      link: {type: 'doc', id: 'cilium-policy/index'},
      items: [
        'cilium-policy/rule-structure',
        'cilium-policy/identities',
        'cilium-policy/entities',
        'cilium-policy/cidr',
        'cilium-policy/dns',
        'cilium-policy/services-icmp',
        'cilium-policy/deny',
        'cilium-policy/clusterwide',
        'cilium-policy/host-policies',
        'cilium-policy/kubernetes-vs-cilium',
        'cilium-policy/challenges',
      ],
    },
    {
      type: 'category',
      label: 'Module 4: L7 beyond the landing pad',
      collapsed: false,
      link: {type: 'doc', id: 'l7/index'},
      items: [
        'l7/http',
        'l7/http-headers',
        'l7/grpc',
        'l7/dns-rules',
        'l7/kafka',
        'l7/visibility',
        'l7/challenges',
      ],
    },
  ],
};

export default sidebars;
