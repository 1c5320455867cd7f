import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './lib/api-error.js';

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: ApiError;
  readonly loading: boolean;
  reload(): void;
}

/** Loads `load()` when `deps` change; a stale answer (deps changed meanwhile) is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: unknown) => mine === generation.current && setState({ error: asApiError(error), loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'CLIENT', error instanceof Error ? error.message : String(error));
}

/** Keyset paging: remembers the tokens of the pages before, so Previous works without offsets. */
export function usePaging(resetKey: string): { token?: string; page: number; next(token: string): void; previous(): void } {
  const [tokens, setTokens] = useState<Array<string | undefined>>([undefined]);
  const [key, setKey] = useState(resetKey);
  if (key !== resetKey) {
    setKey(resetKey);
    setTokens([undefined]);
  }
  return {
    token: tokens[tokens.length - 1],
    page: tokens.length,
    next: (token) => setTokens((list) => [...list, token]),
    previous: () => setTokens((list) => (list.length > 1 ? list.slice(0, -1) : list)),
  };
}
