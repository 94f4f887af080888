/**
 * Keeps each page's JavaScript to what it uses. Docusaurus puts every module shared by half the
 * pages' chunks into one `common` chunk (@docusaurus/core lib/webpack/base.js). Mermaid's diagram
 * chunks share its parser and d3 between themselves, so they landed there and every docs page
 * downloaded them. Without that group, the bundler's default vendor splitting keeps them with
 * the diagrams.
 */
module.exports = function pageChunksPlugin() {
  return {
    name: 'page-chunks',
    configureWebpack(config, isServer) {
      if (!isServer) delete config.optimization.splitChunks.cacheGroups.common;
      return {};
    },
  };
};
