// Writes schemas/lab.schema.json and schemas/challenge.schema.json from the zod schemas, so editors
// complete lab.yaml and challenge.yaml files through the yaml-language-server modeline, and
// src/components/Challenge/data/<lab>.json, each lab's challenges loaded as the site ships them (data,
// without the schema and loader). tests/labs.test.ts and tests/lab/challenge-format.test.ts fail
// when one is stale.
import {mkdirSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {challengeDataPath, challengesByLab, siteChallenges} from '../src/lab/challenge-read';
import {challengeJsonSchema} from '../src/lab/challenge-schema';
import {listLabDirs} from '../src/lab/node/read-lab';
import {labJsonSchema} from '../src/lab/schema';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs: [string, unknown][] = [
  ['schemas/lab.schema.json', labJsonSchema()],
  ['schemas/challenge.schema.json', challengeJsonSchema()],
  // One file per lab, imported by that lab's challenges page only (each page within its budget).
  ...Object.entries(challengesByLab(siteChallenges(root, listLabDirs(root)))).map(([lab, challenges]): [string, unknown] => [challengeDataPath(lab), challenges]),
];
for (const [path, value] of outputs) {
  const target = new URL(`../${path}`, import.meta.url);
  mkdirSync(new URL('.', target), {recursive: true});
  writeFileSync(target, JSON.stringify(value, null, 2) + '\n');
  console.log(`wrote ${target.pathname}`);
}
