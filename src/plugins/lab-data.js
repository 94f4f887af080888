/**
 * Lets MDX import a lab's lab.yaml as validated data: `import lab from '@site/labs/<lab>/lab.yaml?lab'`.
 * The file is read and checked against the lab schema (src/lab/schema.ts, the one the runner uses)
 * here, at build time, so a mistake fails `npm run build` with its file and field, and the pages
 * ship plain JSON: neither the YAML parser nor zod is downloaded by a reader's browser.
 */
const {existsSync, readdirSync, readFileSync} = require('node:fs');
const path = require('node:path');
const {parse} = require('yaml');
// The schema is TypeScript; tsx loads it as it does for the command-line entry points. (Docusaurus's
// own TS loader, jiti, hands the schema zod's default export where it imports `{z}`.)
const {require: requireTs} = require('tsx/cjs/api');
const {labSchema} = requireTs('../lab/schema.ts', __filename);

/** Every labs/<lab>/lab.yaml, validated, by absolute path; throws naming the file and fields at fault. */
function readLabs(siteDir) {
  const labsDir = path.join(siteDir, 'labs');
  const labs = {};
  for (const entry of readdirSync(labsDir, {withFileTypes: true})) {
    const file = path.join(labsDir, entry.name, 'lab.yaml');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const result = labSchema.safeParse(parse(readFileSync(file, 'utf8')));
    if (!result.success) {
      const issues = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
      throw new Error(`${path.relative(siteDir, file)} does not match the lab schema:\n${issues}`);
    }
    labs[file] = result.data;
  }
  return labs;
}

module.exports = function labDataPlugin(context) {
  return {
    name: 'lab-data',
    loadContent: async () => readLabs(context.siteDir),
    getPathsToWatch: () => [path.join(context.siteDir, 'labs/*/lab.yaml')],
    configureWebpack(_config, _isServer, _utils, content) {
      return {
        module: {
          rules: [
            {
              test: /lab\.yaml$/,
              resourceQuery: /lab/,
              use: [{loader: path.join(__dirname, 'lab-data-loader.js'), options: {labs: content}}],
            },
          ],
        },
      };
    },
  };
};
