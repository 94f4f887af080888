import {useCallback, useSyncExternalStore} from 'react';
import {readStored, subscribeStored, updateStored, type StoredValue} from './store';

/**
 * A stored value and a function to change it. The static render (and hydration) uses the default,
 * so the server's HTML never depends on one learner's storage; the browser's value follows at once.
 */
export function useStored<T>(item: StoredValue<T>): [T, (change: (current: T) => T) => void] {
  const value = useSyncExternalStore(
    subscribeStored,
    () => readStored(item),
    () => item.fallback,
  );
  const update = useCallback((change: (current: T) => T) => updateStored(item, change), [item]);
  return [value, update];
}
