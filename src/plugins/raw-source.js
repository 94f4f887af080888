/**
 * Lets MDX import a lab file as its exact text: `import x from '@site/labs/a.yaml?raw'`.
 * Works with webpack and Rspack; keeps manifests single-sourced in labs/.
 */
module.exports = function rawSourcePlugin() {
  return {
    name: 'raw-source',
    configureWebpack() {
      return {
        module: {rules: [{resourceQuery: /raw/, type: 'asset/source'}]},
      };
    },
  };
};
