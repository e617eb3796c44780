import { act, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';

import { useLiveStore } from '@/stores/live-store';

import { ConnectionAnnouncer, ConnectionIndicator } from './connection-indicator';

beforeEach(() => useLiveStore.setState({ status: 'connecting' }));

describe('ConnectionIndicator and ConnectionAnnouncer', () => {
  it('shows the state and announces each change once, not the first connect', () => {
    render(
      <>
        <ConnectionIndicator />
        <ConnectionAnnouncer />
      </>,
    );
    const region = screen.getByRole('status');
    expect(screen.getByTestId('live-status')).toHaveTextContent('Connecting…');
    act(() => useLiveStore.getState().setStatus('live'));
    expect(screen.getByTestId('live-status')).toHaveTextContent('Live');
    expect(region).toHaveTextContent('');

    act(() => useLiveStore.getState().setStatus('reconnecting'));
    expect(region).toHaveTextContent('Live updates lost; reconnecting.');
    expect(screen.getByTestId('live-status')).toHaveAttribute('data-status', 'reconnecting');
    // Further retries keep the state, so nothing new is read out.
    act(() => useLiveStore.getState().setStatus('reconnecting'));
    expect(region).toHaveTextContent('Live updates lost; reconnecting.');

    act(() => useLiveStore.getState().setStatus('live'));
    expect(region).toHaveTextContent('Live updates connected.');
    act(() => useLiveStore.getState().setStatus('offline'));
    expect(region).toHaveTextContent('Live updates are offline.');
    expect(screen.getByTestId('live-status')).toHaveTextContent('Offline');
  });
});
