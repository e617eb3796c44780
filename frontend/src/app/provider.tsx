import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';

import { ToastRegion } from '@/components/ui/toast-region';
import { makeQueryClient } from '@/lib/query-client';
import { resolvedDark, useUiStore } from '@/stores/ui-store';

function useThemeClass() {
  const theme = useUiStore((s) => s.theme);
  useEffect(() => {
    const apply = () => {
      const dark = resolvedDark(theme);
      // `.light` too: the ProjectCard package follows an explicit marker before the system preference.
      document.documentElement.classList.toggle('dark', dark);
      document.documentElement.classList.toggle('light', !dark);
    };
    apply();
    if (theme !== 'system') return;
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  useThemeClass();
  return (
    <QueryClientProvider client={queryClient}>
      {children}
      <ToastRegion />
    </QueryClientProvider>
  );
}
