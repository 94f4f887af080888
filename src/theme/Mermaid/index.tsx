import React, {useEffect, useRef} from 'react';
import Mermaid from '@theme-original/Mermaid';
import type {Props} from '@theme/Mermaid';
import ScrollBox from '@site/src/components/ScrollBox';

/**
 * The smallest scale a diagram is drawn at: its text is 16 px (themeConfig.mermaid in
 * docusaurus.config.ts), so never below 12 px. Mermaid scales an SVG down to the column's width
 * however wide it is (a wide flowchart on a phone came out at 4-6 px); a diagram that would need
 * more shrinking than this keeps this size and scrolls sideways in its own box instead.
 */
const MIN_SCALE = 0.75;

/** Mermaid's diagram (wrapping @docusaurus/theme-mermaid's component), kept readable on a phone. */
export default function MermaidWrapper(props: Props): React.ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const holder = ref.current;
    if (!holder) return undefined;
    // The SVG arrives after mermaid has loaded and rendered, so watch for it.
    const fit = () => {
      const svg = holder.querySelector('svg');
      const width = svg?.viewBox.baseVal?.width;
      if (width) holder.style.minWidth = `${Math.ceil(width * MIN_SCALE)}px`;
    };
    fit();
    const observer = new MutationObserver(fit);
    observer.observe(holder, {childList: true, subtree: true});
    return () => observer.disconnect();
  }, []);
  return (
    <ScrollBox label="Diagram (scrolls sideways)">
      <div ref={ref}>
        <Mermaid {...props} />
      </div>
    </ScrollBox>
  );
}
