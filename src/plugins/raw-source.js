/**
 * Lets MDX import a lab file as its exact text: `import x from '@site/labs/a.yaml?raw'`.
 * Works with webpack and Rspack; keeps manifests single-sourced in labs/.
 */
module.exports = function rawSourcePlugin() {
  return {
    name: 'raw-source',
    configureWebpack(config, isServer) {
      if (!isServer) {
        // Docusaurus puts every module shared by half the pages' chunks into one `common` chunk
        // (@docusaurus/core lib/webpack/base.js). Mermaid's diagram chunks share its parser
        // and d3 between themselves, so they landed there and every docs page downloaded them.
        // Without that group, the bundler's default vendor splitting keeps them with the diagrams.
        delete config.optimization.splitChunks.cacheGroups.common;
      }
      return {
        module: {rules: [{resourceQuery: /raw/, type: 'asset/source'}]},
      };
    },
  };
};
