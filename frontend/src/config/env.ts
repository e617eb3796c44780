declare const __APP_VERSION__: string;

export const env = {
  apiBase: '/api/v1',
  wsPath: '/ws/',
  version: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev',
} as const;

/** The API's origin: the page's own (the SPA is served by the API server, or by Vite's proxy in dev). */
export const apiOrigin = () => (typeof window !== 'undefined' ? window.location.origin : 'http://localhost');
