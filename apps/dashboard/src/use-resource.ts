import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from './api';

export interface Resource<T> {
  data: T | undefined;
  /** The last load's failure, in words; the previous data stays shown beside it. */
  error: string | undefined;
  loading: boolean;
  reload(): Promise<void>;
}

/**
 * Loads once on mount and whenever `deps` change, then every `refreshMs` while the tab is visible
 * (charts and serving state move on their own). A load that finishes after a newer one started,
 * or after the component is gone, is dropped.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], refreshMs?: number): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the loader depends on
  const loader = useCallback(load, deps);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loader();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (failure) {
      if (mine === generation.current) setError(messageOf(failure));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [loader]);

  useEffect(() => {
    void reload();
    return () => {
      generation.current += 1;
    };
  }, [reload]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, refreshMs);
    return () => window.clearInterval(timer);
  }, [reload, refreshMs]);

  return { data, error, loading, reload };
}

/** Runs an action (a form's submit, a button), keeping its failure message and busy state. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        return await action(...args);
      } catch (failure) {
        setError(messageOf(failure));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error, clearError: () => setError(undefined) };
}

/** Sends a form with a file as an action (see useAction), keeping how much of it has been sent while it runs. */
export function useUpload<R>(upload: (form: FormData, onProgress: (sentShare: number) => void) => Promise<R>) {
  const [progress, setProgress] = useState<number>();
  const action = useAction(async (form: FormData) => {
    setProgress(0);
    try {
      return await upload(form, setProgress);
    } finally {
      setProgress(undefined);
    }
  });
  return { ...action, progress };
}
