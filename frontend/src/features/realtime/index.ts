import { lazy } from 'react';

export { ConnectionAnnouncer, ConnectionIndicator } from './components/connection-indicator';

/**
 * The tab's live connection (mount once in the signed-in shell, inside Suspense). Loaded after the
 * first paint: the socket, its state machine and the cache reducers stay out of every page's
 * initial JavaScript.
 */
export const LiveUpdates = lazy(() => import('./components/live-updates').then((m) => ({ default: m.LiveUpdates })));
