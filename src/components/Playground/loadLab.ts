import {formatError} from '@site/src/policy';
import {parseLab, type Lab} from '@site/src/lab/load';

/**
 * Loads a lab from the texts of its files (lab.yaml and every manifest it names), keyed by their
 * path relative to the lab folder. Throws with every problem as `file:line:col: message`, so a lab
 * the playground cannot load fails `npm run build` instead of rendering an empty page.
 */
export function loadLabFromTexts(labDir: string, files: Record<string, string>): Lab {
  const labYaml = files['lab.yaml'];
  if (labYaml === undefined) throw new Error(`Playground: no lab.yaml among the files given for ${labDir}`);
  const folderName = labDir.split('/').pop();
  const {lab, errors} = parseLab(labYaml, `${labDir}/lab.yaml`, (path) => files[path], folderName);
  if (!lab) {
    const list = errors.map((e) => `  ${formatError(e)}`).join('\n');
    throw new Error(
      `Playground: lab ${labDir} does not load (a file missing from src/components/Playground/labs.ts?):\n${list}`,
    );
  }
  return lab;
}
