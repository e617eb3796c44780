import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Screenshots, logs, reports and signed-in states: git-ignored, kept for CI to upload. */
export const artifactsDir = here('../artifacts/');
export const repoDir = here('../../../');

export const authFile = (user: string) => `${artifactsDir}.auth/${user}.json`;
export const screenshotPath = (name: string) => `${artifactsDir}screens/${name}.png`;
