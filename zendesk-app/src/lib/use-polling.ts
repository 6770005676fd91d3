// usePolling(refresh, options): runs `refresh` at once and then on an interval while the page
// is visible and the app is active, backs off exponentially while it fails, and never overlaps
// two runs. Returns `refreshNow()` and `refreshSoon(delayMs)` (debounced) for events.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface PollingOptions {
  intervalMs: number;
  /** Upper bound of the back-off delay after repeated failures. */
  maxBackoffMs: number;
  /** False pauses polling (e.g. the app pane is hidden). */
  isActive: boolean;
}

function isPageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}

/** Delay before the next run: the interval, doubled per consecutive failure, capped. */
export function nextDelay(intervalMs: number, failures: number, maxBackoffMs: number): number {
  return Math.min(intervalMs * 2 ** failures, Math.max(maxBackoffMs, intervalMs));
}

export function usePolling(refresh: () => Promise<boolean>, options: PollingOptions) {
  const [isVisible, setVisible] = useState(isPageVisible);
  const state = useRef({
    refresh,
    options,
    isVisible,
    failures: 0,
    timer: undefined as ReturnType<typeof setTimeout> | undefined,
    soonTimer: undefined as ReturnType<typeof setTimeout> | undefined,
    inFlight: false,
    again: false,
    unmounted: false,
  });
  state.current.refresh = refresh;
  state.current.options = options;
  state.current.isVisible = isVisible;

  const runRef = useRef<() => Promise<void>>(async () => {});
  const schedule = useCallback(() => {
    const s = state.current;
    clearTimeout(s.timer);
    s.timer = undefined;
    if (s.unmounted || !s.options.isActive || !s.isVisible) return;
    const delay = nextDelay(s.options.intervalMs, s.failures, s.options.maxBackoffMs);
    s.timer = setTimeout(() => void runRef.current(), delay);
  }, []);

  const run = useCallback(async (): Promise<void> => {
    const s = state.current;
    if (s.unmounted) return;
    if (s.inFlight) {
      s.again = true;
      return;
    }
    clearTimeout(s.timer);
    s.inFlight = true;
    let ok = false;
    try {
      ok = await s.refresh();
    } catch {
      ok = false;
    }
    s.inFlight = false;
    s.failures = ok ? 0 : s.failures + 1;
    if (s.again) {
      s.again = false;
      void run();
      return;
    }
    schedule();
  }, [schedule]);
  runRef.current = run;

  useEffect(() => {
    const onVisibility = () => setVisible(isPageVisible());
    document.addEventListener('visibilitychange', onVisibility);
    const s = state.current;
    s.unmounted = false;
    return () => {
      s.unmounted = true;
      clearTimeout(s.timer);
      clearTimeout(s.soonTimer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

  // Runs at once when polling starts (mount, activation, the page becoming visible again, when
  // the data may be stale); pauses while hidden or inactive.
  const wasRunning = useRef(false);
  useEffect(() => {
    const running = options.isActive && isVisible;
    if (running && !wasRunning.current) void run();
    else if (!running) clearTimeout(state.current.timer);
    wasRunning.current = running;
  }, [options.isActive, isVisible, run]);

  const refreshSoon = useCallback(
    (delayMs: number) => {
      const s = state.current;
      clearTimeout(s.soonTimer);
      s.soonTimer = setTimeout(() => void run(), delayMs);
    },
    [run],
  );

  return { refreshNow: run, refreshSoon };
}
