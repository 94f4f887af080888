import type {LabFile, StepFile} from '@site/src/lab/schema';

/** The step with this id, or an Error that names it and the ids that exist. */
export function stepOf(lab: LabFile, stepId: string, who: string): StepFile {
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) {
    const ids = lab.steps.map((s) => s.id).join(', ');
    throw new Error(`${who}: lab "${lab.id}" has no step "${stepId}"; its steps are: ${ids}`);
  }
  return step;
}

