export { ConnectionAnnouncer, ConnectionIndicator } from './components/connection-indicator';
export { LiveUpdates } from './components/live-updates';
