import React, {useEffect, useRef} from 'react';
import Footer from '@theme-original/DocItem/Footer';
import type FooterType from '@theme/DocItem/Footer';
import type {WrapperProps} from '@docusaurus/types';
import {useDoc} from '@docusaurus/plugin-content-docs/client';
import {PROGRESS, updateStored} from '@site/src/progress/store';

type Props = WrapperProps<typeof FooterType>;

/**
 * The end of every lesson: once it scrolls into view the lesson counts as read (the progress page
 * and the sidebar's marks), in this browser's storage only.
 */
export default function FooterWrapper(props: Props): React.ReactNode {
  const {metadata} = useDoc();
  const end = useRef<HTMLDivElement>(null);
  const permalink = metadata.permalink;
  useEffect(() => {
    const element = end.current;
    if (!element || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      updateStored(PROGRESS, (p) => (p.read[permalink] ? p : {...p, read: {...p.read, [permalink]: new Date().toISOString()}}));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [permalink]);
  return (
    <>
      <Footer {...props} />
      <div ref={end} data-testid="lesson-end" className="lesson-end" />
    </>
  );
}
