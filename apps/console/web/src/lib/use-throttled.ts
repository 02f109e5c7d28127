import { useEffect, useRef, useState } from 'react';

/**
 * `value`, refreshed at most every `ms`: for views that follow a stream of thousands of live
 * values but need not redraw on each (the last value always shows, at most `ms` late).
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = Math.max(0, last.current + ms - Date.now());
    const timer = window.setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, wait);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return shown;
}
