import React from 'react';
import MDXComponents from '@theme-original/MDXComponents';
import LabManifest from '@site/src/components/LabManifest';
import LabSteps from '@site/src/components/LabSteps';
import Outcome from '@site/src/components/Outcome';
import ProbeTable, {type ProbeTableProps} from '@site/src/components/ProbeTable';
import PlaygroundLink from '@site/src/components/PlaygroundLink';
import RunStep from '@site/src/components/RunStep';
import ScrollBox from '@site/src/components/ScrollBox';

/** A Markdown table, in a box that scrolls sideways on its own when the table is wider than the column. */
function Table(props: React.ComponentProps<'table'>): React.ReactNode {
  return (
    <ScrollBox label="Table (scrolls sideways)">
      <table {...props} />
    </ScrollBox>
  );
}

/** A step's probe table, followed by the link that opens the step in the playground. */
function ProbeTableWithPlayground(props: ProbeTableProps): React.ReactNode {
  return (
    <>
      <ProbeTable {...props} />
      <PlaygroundLink lab={props.lab.id} step={props.step} />
    </>
  );
}

/**
 * The components every lesson can use without importing them. KubectlDiff is not among them: it
 * needs the YAML parser in the browser, so the one lesson that shows a diff imports it itself.
 */
export default {
  ...MDXComponents,
  table: Table,
  LabManifest,
  LabSteps,
  Outcome,
  ProbeTable: ProbeTableWithPlayground,
  RunStep,
};
