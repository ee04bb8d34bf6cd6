import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  GLU_SIGNAL_CHANNEL,
  GluPipelineSignal,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { gluApiRef } from '../api';
import { sameEntityRef } from '../components/format';

/** Whether a signal of the backend names a pipeline. */
export function signalNames(
  signal: GluPipelineSignal | null | undefined,
  pipelineRef: string,
): boolean {
  return (
    Array.isArray(signal?.pipelineRefs) &&
    signal!.pipelineRefs.some(
      ref => typeof ref === 'string' && sameEntityRef(ref, pipelineRef),
    )
  );
}

/** How often to look again when the app has no signals. */
export const POLL_INTERVAL_MS = 30_000;

/** How often to look again with signals, in case one was missed. */
export const SIGNALLED_POLL_INTERVAL_MS = 5 * 60_000;

/**
 * How often to look again while a promotion by commit is under way: it ends
 * within seconds, and the tab should show its outcome as soon as it does.
 */
export const IN_PROGRESS_POLL_INTERVAL_MS = 3_000;

export type PipelineViewState = {
  /** The latest pipeline view that loaded; kept while reloading. */
  view?: PipelineView;
  /** Why the latest load failed, if it did. */
  error?: Error;
  loading: boolean;
  /** Loads the view again now, e.g. after a change made from the portal. */
  reload: () => void;
};

/**
 * A pipeline's view that keeps itself fresh: it loads again when the backend
 * signals a change to this pipeline, and polls as a fallback (often without
 * signals, rarely with them, every few seconds while a promotion by commit is
 * under way). A failed reload keeps the last view.
 */
export function usePipelineView(pipelineRef: string): PipelineViewState {
  const gluApi = useApi(gluApiRef);
  const [state, setState] = useState<Omit<PipelineViewState, 'reload'>>({
    loading: true,
  });
  const latest = useRef(0);

  const reload = useCallback(() => {
    const call = ++latest.current;
    setState(s => ({ ...s, loading: true }));
    gluApi.getPipeline(pipelineRef).then(
      view => {
        if (call === latest.current) setState({ view, loading: false });
      },
      error => {
        if (call === latest.current) {
          setState(s => ({ view: s.view, error, loading: false }));
        }
      },
    );
  }, [gluApi, pipelineRef]);

  useEffect(() => {
    setState({ loading: true });
    reload();
  }, [reload]);

  const { lastSignal, isSignalsAvailable } =
    useSignal<GluPipelineSignal>(GLU_SIGNAL_CHANNEL);
  useEffect(() => {
    if (signalNames(lastSignal, pipelineRef)) {
      reload();
    }
    // Only a new signal should reload, not a new pipelineRef (handled above).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  // A promotion by pull request stays in progress until someone merges it;
  // one by commit is done in moments.
  const committing = Boolean(
    state.view?.edges.some(e => e.status === 'in-progress' && !e.pullRequest),
  );
  let interval = isSignalsAvailable
    ? SIGNALLED_POLL_INTERVAL_MS
    : POLL_INTERVAL_MS;
  if (committing) interval = IN_PROGRESS_POLL_INTERVAL_MS;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') reload();
    }, interval);
    return () => clearInterval(timer);
  }, [reload, interval]);

  return { ...state, reload };
}
