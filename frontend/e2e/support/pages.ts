/** Every page of the SPA, for the passes that visit them all (axe in both themes, the phone width). */
import type { APIRequestContext } from '@playwright/test';

import { projectId } from './api';
import { rita } from './seed';

export type SpaPage = { name: string; heading: string | RegExp; path: (api: APIRequestContext) => Promise<string> | string };

const fixed = (path: string) => () => path;
const detail = async (api: APIRequestContext) => `/projects/${await projectId(api, rita.withMilestones.title)}`;

/** Signed in as Rita (the read-only portfolio); the sign-in page is visited signed out. */
export const signedInPages: SpaPage[] = [
  { name: 'dashboard', heading: 'Dashboard', path: fixed('/') },
  { name: 'projects', heading: 'Projects', path: fixed('/projects') },
  { name: 'project-detail', heading: rita.withMilestones.title, path: detail },
  { name: 'project-new', heading: 'New project', path: fixed('/projects/new') },
  { name: 'project-edit', heading: 'Edit project', path: async (api) => `${await detail(api)}/edit` },
  { name: 'trash', heading: 'Trash', path: fixed('/trash') },
  { name: 'notifications', heading: 'Notifications', path: fixed('/notifications') },
  { name: 'profile', heading: 'Profile', path: fixed('/profile') },
  { name: 'not-found', heading: 'Page not found', path: fixed('/no-such-page') },
];

export const signInPage: SpaPage = { name: 'login', heading: 'Sign in to Pulse', path: fixed('/login') };
