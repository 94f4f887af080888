import React from 'react';
import clsx from 'clsx';
import Link from '@theme-original/DocSidebarItem/Link';
import type LinkType from '@theme/DocSidebarItem/Link';
import type {WrapperProps} from '@docusaurus/types';
import {PROGRESS} from '@site/src/progress/store';
import {useStored} from '@site/src/progress/useStored';

type Props = WrapperProps<typeof LinkType>;

/** A sidebar lesson, marked once the learner has read it to the end (src/css/custom.css draws the mark). */
export default function LinkWrapper(props: Props): React.ReactNode {
  const [progress] = useStored(PROGRESS);
  const read = progress.read[props.item.href] !== undefined;
  // The item's className lands on the sidebar entry's <li> (theme-classic DocSidebarItem/Link).
  return <Link {...props} item={{...props.item, className: clsx(props.item.className, read && 'sidebar-lesson-read')}} />;
}
