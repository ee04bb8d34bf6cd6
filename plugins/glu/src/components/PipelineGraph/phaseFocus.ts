import { createContext, RefObject, useContext, useEffect } from 'react';

/**
 * The phase that the Glu tab was opened at (`?phase=`): its card stands
 * out, and scrolls into view and takes the focus once shown.
 */
export const PhaseFocusContext = createContext<string | undefined>(undefined);

/** Whether the phase is the one the tab was opened at; brings it into view if so. */
export function usePhaseFocus(
  phase: string,
  ref: RefObject<HTMLElement>,
): boolean {
  const focused = useContext(PhaseFocusContext) === phase;
  useEffect(() => {
    const element = ref.current;
    if (!focused || !element) return;
    // jsdom and old browsers have no scrollIntoView.
    element.scrollIntoView?.({ block: 'center', inline: 'center' });
    element.focus({ preventScroll: true });
  }, [focused, ref]);
  return focused;
}
