import type {Lab, Step} from '@site/src/lab/load';

/**
 * The name the editor's text goes by in errors and explanations. A step with one policy file is
 * that file (its lines are the file's lines until the learner edits them); otherwise the text is
 * a concatenation that exists nowhere on disk, so it gets a name of its own.
 */
export function editorFileName(lab: Lab, step: Step): string {
  if (step.policies.length === 1) return step.policies[0].file;
  const dir = lab.file.includes('/') ? lab.file.slice(0, lab.file.lastIndexOf('/') + 1) : '';
  return `${dir}playground.yaml`;
}

/**
 * The text the editor starts with: the exact text of the step's policy files, in lab.yaml's
 * order, separated by `---`. A step without policies gets a comment-only document (no objects).
 */
export function initialEditorText(step: Step): string {
  if (step.policies.length === 0) {
    return [
      `# Step ${step.id} applies no policy: every pod accepts traffic from every other pod.`,
      '# Write a NetworkPolicy or CiliumNetworkPolicy here to see which probes it changes.',
      '',
    ].join('\n');
  }
  return step.policies.map((m) => (m.text.endsWith('\n') ? m.text : `${m.text}\n`)).join('---\n');
}
