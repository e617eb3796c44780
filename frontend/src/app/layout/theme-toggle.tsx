import { useUiStore, type Theme } from '@/stores/ui-store';

const next: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const labels: Record<Theme, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };
const icons: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

export function ThemeToggle() {
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  return (
    <button
      type="button"
      onClick={() => setTheme(next[theme])}
      className="inline-flex h-8 items-center gap-2 rounded-md px-2 text-xs text-fg-muted hover:bg-subtle hover:text-fg"
      aria-label={`${labels[theme]}. Switch to ${labels[next[theme]].toLowerCase()}`}
      title={labels[theme]}
    >
      <span aria-hidden className="text-base leading-none">
        {icons[theme]}
      </span>
      <span className="hidden lg:inline">{labels[theme]}</span>
    </button>
  );
}
