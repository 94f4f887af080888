// Writes schemas/lab.schema.json and schemas/challenge.schema.json from the zod schemas, so editors
// complete lab.yaml and challenge.yaml files through the yaml-language-server modeline.
// tests/labs.test.ts and tests/lab/challenge-format.test.ts fail when one is stale.
import {writeFileSync} from 'node:fs';
import {challengeJsonSchema} from '../src/lab/challenge-schema';
import {labJsonSchema} from '../src/lab/schema';

for (const [name, schema] of [['lab', labJsonSchema()], ['challenge', challengeJsonSchema()]] as const) {
  const target = new URL(`../schemas/${name}.schema.json`, import.meta.url);
  writeFileSync(target, JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote ${target.pathname}`);
}
