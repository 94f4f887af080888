import {useCallback, useEffect, useState} from 'react';

/**
 * `value`, `delayMs` after it last changed. `flush` sets the debounced value at once, for changes
 * that must not show a stale state in between (another step, a reset).
 */
export function useDebounced<T>(value: T, delayMs: number): [T, (now: T) => void] {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  const flush = useCallback((now: T) => setDebounced(now), []);
  return [debounced, flush];
}
