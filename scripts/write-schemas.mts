// Writes schemas/lab.schema.json from the zod schema, so editors complete lab.yaml files through
// the yaml-language-server modeline. tests/lab/schema-file.test.ts fails when it is stale.
import {writeFileSync} from 'node:fs';
import {labJsonSchema} from '../src/lab/schema';

const target = new URL('../schemas/lab.schema.json', import.meta.url);
writeFileSync(target, JSON.stringify(labJsonSchema(), null, 2) + '\n');
console.log(`wrote ${target.pathname}`);
