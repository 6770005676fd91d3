// useAsync(load, deps): loading / error / data state for one async read, with `reload()` and a
// `setData` for optimistic updates. Ignores answers that arrive after unmount or a newer load.
import { useCallback, useEffect, useRef, useState } from 'react';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';

export type AsyncState<T> =
  | { status: 'loading'; data: T | null; error: null }
  | { status: 'error'; data: T | null; error: WorkerApiError }
  | { status: 'ready'; data: T; error: null };

export function useAsync<T>(load: () => Promise<T>, deps: ReadonlyArray<unknown>) {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading', data: null, error: null });
  const generation = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on, as with useEffect
  const run = useCallback(load, deps);

  const reload = useCallback(() => {
    const current = ++generation.current;
    setState((s) => ({ status: 'loading', data: s.data, error: null }));
    run().then(
      (data) => {
        if (current === generation.current) setState({ status: 'ready', data, error: null });
      },
      (reason: unknown) => {
        if (current === generation.current) {
          setState((s) => ({ status: 'error', data: s.data, error: toWorkerApiError(reason) }));
        }
      },
    );
  }, [run]);

  useEffect(() => {
    reload();
    return () => {
      generation.current++;
    };
  }, [reload]);

  const setData = useCallback((update: (data: T) => T) => {
    setState((s) => (s.status === 'ready' ? { ...s, data: update(s.data) } : s));
  }, []);

  return { state, reload, setData };
}
