import type {Config} from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import {themes as prismThemes} from 'prism-react-renderer';
import {readablePrismTheme} from './src/plugins/contrast';

/**
 * The netpol-labs site: lessons in docs/, manifests imported from labs/ so that
 * what a page shows is byte for byte what the runner applies.
 */
const config: Config = {
  title: 'netpol-labs',
  tagline: 'Learn, teach and verify Kubernetes and Cilium network policy',
  favicon: 'img/favicon.svg',
  url: 'https://netpol-labs.example.org',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {
    mermaid: true,
    hooks: {onBrokenMarkdownLinks: 'throw'},
  },
  // Rspack + SWC: about five times faster cold builds than webpack on this site. Every v4 flag but
  // CSS cascade layers: in production their polyfill raises the theme's selectors
  // (`:root:not(#\#):not(#\#)`) above anything in src/css/custom.css, so the site's own palette
  // (the one that passes WCAG contrast in both colour modes) never applied.
  future: {
    v4: {
      removeLegacyPostBuildHeadAttribute: true,
      useCssCascadeLayers: false,
      siteStorageNamespacing: true,
      fasterByDefault: true,
      mdx1CompatDisabledByDefault: true,
    },
    faster: true,
  },
  i18n: {defaultLocale: 'en', locales: ['en']},
  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: 'docs',
          sidebarPath: './sidebars.ts',
        },
        blog: false,
        theme: {customCss: './src/css/custom.css'},
      } satisfies Preset.Options,
    ],
  ],
  themes: [
    '@docusaurus/theme-mermaid',
    [
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        indexDocs: true,
        indexPages: true,
        indexBlog: false,
        docsRouteBasePath: '/docs',
        highlightSearchTermsOnTargetPage: true,
      },
    ],
  ],
  plugins: ['./src/plugins/raw-source', './src/plugins/lab-data', './src/plugins/progress', './src/plugins/page-chunks'],
  themeConfig: {
    colorMode: {defaultMode: 'light', respectPrefersColorScheme: true},
    navbar: {
      title: 'netpol-labs',
      logo: {alt: 'netpol-labs', src: 'img/favicon.svg'},
      items: [
        {type: 'docSidebar', sidebarId: 'course', position: 'left', label: 'Course'},
        {to: '/playground', label: 'Playground', position: 'left'},
        {to: '/progress', label: 'Progress', position: 'right'},
      ],
    },
    footer: {
      style: 'dark',
      // What is verified where, and nothing more: .ci/run (npm test) runs `verify --target sim`;
      // .github/workflows/labs.yml runs `verify --target kind` on every push and nightly.
      copyright:
        'netpol-labs: every lab is checked in the simulator on every commit (CI), and on kind with Cilium by the GitHub workflow .github/workflows/labs.yml.',
    },
    mermaid: {
      theme: {light: 'neutral', dark: 'dark'},
      // Diagrams are drawn at the size of the body text; src/css/custom.css keeps them from shrinking.
      options: {themeVariables: {fontSize: '16px'}},
    },
    prism: {
      // Token colours raised to WCAG AA on the code background and on a highlighted line: the
      // --docusaurus-highlighted-code-line-bg washes of src/css/custom.css over each theme's background.
      theme: readablePrismTheme(prismThemes.github, '#d8e0f5'),
      darkTheme: readablePrismTheme(prismThemes.dracula, '#42444e'),
      additionalLanguages: ['bash', 'diff', 'yaml'],
    },
  } satisfies Preset.ThemeConfig,
};

export default config;
