import {parse} from 'yaml';
import {labSchema, type LabFile, type StepFile} from '@site/src/lab/schema';

/**
 * Parses the raw text of a lab.yaml (imported with `?raw`) and validates it with the lab schema.
 * Runs at build time during static rendering, so a mistake fails `npm run build` with a message
 * instead of rendering an empty table.
 */
export function labFromText(labYaml: string, who: string): LabFile {
  if (typeof labYaml !== 'string' || labYaml.length === 0) {
    throw new Error(`${who}: "labYaml" must be the text of a lab.yaml; import it with "?raw"`);
  }
  const result = labSchema.safeParse(parse(labYaml));
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`${who}: lab.yaml does not match the lab schema:\n${issues}`);
  }
  return result.data;
}

/** The step with this id, or an Error that names it and the ids that exist. */
export function stepOf(lab: LabFile, stepId: string, who: string): StepFile {
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) {
    const ids = lab.steps.map((s) => s.id).join(', ');
    throw new Error(`${who}: lab "${lab.id}" has no step "${stepId}"; its steps are: ${ids}`);
  }
  return step;
}

export {requestPath} from '@site/src/lab/request-path';
