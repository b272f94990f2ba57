// Loads something from the API for a view: { data, error, loading, reload }. A newer load wins
// over an older one still in flight, and leaving the view aborts it.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api.js';

export function useResource(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, error: undefined, loading: false });
    } catch (error) {
      if (mine === generation.current && error?.name !== 'AbortError') setState((s) => ({ ...s, error: messageOf(error), loading: false }));
    }
  }, deps);
  useEffect(() => {
    reload();
    return () => generation.current++;
  }, [reload]);
  return { ...state, reload, setData: (data) => setState((s) => ({ ...s, data })) };
}
