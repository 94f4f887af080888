import MDXComponents from '@theme-original/MDXComponents';
import KubectlDiff from '@site/src/components/KubectlDiff';
import LabManifest from '@site/src/components/LabManifest';
import LabSteps from '@site/src/components/LabSteps';
import Outcome from '@site/src/components/Outcome';
import ProbeTable from '@site/src/components/ProbeTable';
import RunStep from '@site/src/components/RunStep';

/** The components every lesson can use without importing them. */
export default {
  ...MDXComponents,
  KubectlDiff,
  LabManifest,
  LabSteps,
  Outcome,
  ProbeTable,
  RunStep,
};
