import {possibleOutcomes, type Outcome} from '@site/src/lab/outcome';
import {fileRequest, isAddress, requestHost} from '@site/src/lab/probe-request';
import type {LabFile, ProbeFile, StepFile} from '@site/src/lab/schema';

/** The step with this id, or an Error that names it and the ids that exist. */
export function stepOf(lab: LabFile, stepId: string, who: string): StepFile {
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) {
    const ids = lab.steps.map((s) => s.id).join(', ');
    throw new Error(`${who}: lab "${lab.id}" has no step "${stepId}"; its steps are: ${ids}`);
  }
  return step;
}


/** The outcomes a learner may predict for a lab.yaml probe: those its kind, target and source allow. */
export function predictableOutcomes(probe: ProbeFile): Outcome[] {
  const request = fileRequest(probe);
  return possibleOutcomes({
    kind: request.kind,
    resolvesName: request.kind === 'dns' || !isAddress(requestHost(request)),
    fromOutside: probe.from === 'outside',
  });
}
