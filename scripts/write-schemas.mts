// Writes schemas/lab.schema.json and schemas/challenge.schema.json from the zod schemas, so editors
// complete lab.yaml and challenge.yaml files through the yaml-language-server modeline, and
// src/components/Challenge/challenges.json, every challenge loaded as the site ships it (data,
// without the schema and loader). tests/labs.test.ts and tests/lab/challenge-format.test.ts fail
// when one is stale.
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {siteChallenges} from '../src/lab/challenge-read';
import {challengeJsonSchema} from '../src/lab/challenge-schema';
import {listLabDirs} from '../src/lab/node/read-lab';
import {labJsonSchema} from '../src/lab/schema';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs: [string, unknown][] = [
  ['schemas/lab.schema.json', labJsonSchema()],
  ['schemas/challenge.schema.json', challengeJsonSchema()],
  ['src/components/Challenge/challenges.json', siteChallenges(root, listLabDirs(root))],
];
for (const [path, value] of outputs) {
  const target = new URL(`../${path}`, import.meta.url);
  writeFileSync(target, JSON.stringify(value, null, 2) + '\n');
  console.log(`wrote ${target.pathname}`);
}
