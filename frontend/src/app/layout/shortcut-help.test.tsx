import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import { useUiStore } from '@/stores/ui-store';

import { ShortcutHelp } from './shortcut-help';

beforeEach(() => {
  useUiStore.setState({ shortcutsOpen: false });
});

describe('the shortcut help', () => {
  it('opens with the focus on its Close button (a way out without Esc), which closes it', async () => {
    render(<ShortcutHelp />);
    useUiStore.getState().setShortcutsOpen(true);
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    const close = within(dialog).getByRole('button', { name: 'Close' });
    await waitFor(() => expect(close).toHaveFocus());
    expect(within(dialog).getByRole('region', { name: 'Go to' })).toHaveTextContent('Go to the dashboard');
    await userEvent.click(close);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(useUiStore.getState().shortcutsOpen).toBe(false);
  });
});
