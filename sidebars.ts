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
  ],
};

export default sidebars;
