import React, {useEffect, useRef, useState} from 'react';
import clsx from 'clsx';

export interface ScrollBoxProps {
  /** What the box holds, for a screen reader once the box scrolls (it becomes a labelled region). */
  label: string;
  className?: string;
  children: React.ReactNode;
}

/**
 * A box that scrolls sideways when its content (a wide table) is wider than the column, so the
 * page itself never does. While it scrolls it is a focusable, labelled region: a keyboard user can
 * Tab to it and scroll with the arrow keys (WCAG 2.1.1; axe-core's scrollable-region-focusable).
 * While everything fits it adds no tab stop.
 */
export default function ScrollBox({label, className, children}: ScrollBoxProps): React.ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (!box) return undefined;
    const update = () => setScrolls(box.scrollWidth > box.clientWidth + 1);
    update();
    const observer = new ResizeObserver(update);
    observer.observe(box);
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      className={clsx('table-scroll', className)}
      {...(scrolls ? {tabIndex: 0, role: 'region', 'aria-label': label} : {})}>
      {children}
    </div>
  );
}
