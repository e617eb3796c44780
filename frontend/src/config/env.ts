declare const __APP_VERSION__: string;

export const env = {
  apiBase: '/api/v1',
  wsPath: '/ws/',
  version: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev',
} as const;
