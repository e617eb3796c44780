import { useLiveUpdates } from '../hooks/use-live-updates';

/** Mount once inside the signed-in shell: it holds the tab's live connection. */
export function LiveUpdates() {
  useLiveUpdates();
  return null;
}
