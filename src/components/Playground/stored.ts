import type {StoredValue} from '@site/src/progress/store';
import {readPlaygroundState, type PlaygroundState} from './share';

/**
 * The playground's state in the browser's localStorage, so edits survive a reload: the same value
 * a share link carries, checked the same way on every read (a hand-edited or outdated value is
 * ignored, and the playground opens on its default step).
 */
export const PLAYGROUND: StoredValue<{version: 1; state: PlaygroundState} | null> = {
  key: 'netpol-labs:playground',
  read: (json) => {
    if (typeof json !== 'object' || json === null || (json as {version?: unknown}).version !== 1) return undefined;
    const read = readPlaygroundState((json as {state?: unknown}).state);
    return read.ok ? {version: 1, state: read.state} : undefined;
  },
  fallback: null,
};
