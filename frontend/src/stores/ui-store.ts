// UI state only (server state lives in TanStack Query). Persisted: theme, density, list view.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Theme = 'light' | 'dark' | 'system';
export type Density = 'comfortable' | 'compact';
export type ProjectView = 'table' | 'cards';

type UiState = {
  theme: Theme;
  density: Density;
  projectView: ProjectView;
  shortcutsOpen: boolean;
  paletteOpen: boolean;
  setTheme: (theme: Theme) => void;
  setDensity: (density: Density) => void;
  setProjectView: (view: ProjectView) => void;
  setShortcutsOpen: (open: boolean) => void;
  setPaletteOpen: (open: boolean) => void;
};

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      theme: 'system',
      density: 'comfortable',
      projectView: 'table',
      shortcutsOpen: false,
      paletteOpen: false,
      setTheme: (theme) => set({ theme }),
      setDensity: (density) => set({ density }),
      setProjectView: (projectView) => set({ projectView }),
      setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
      setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
    }),
    {
      name: 'pulse-ui',
      partialize: ({ theme, density, projectView }) => ({ theme, density, projectView }),
    },
  ),
);

export function systemPrefersDark(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches;
}

export function resolvedDark(theme: Theme): boolean {
  return theme === 'dark' || (theme === 'system' && systemPrefersDark());
}
