import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ProgressView } from './progress-view';

describe('ProgressView', () => {
  it('shows the live count while the run goes on', () => {
    render(<ProgressView processed={120} total={240} phase="checking" label="Shift due date progress" />);
    const bar = screen.getByRole('progressbar', { name: 'Shift due date progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '120');
    expect(screen.getByText('120 of 240 projects · Checking')).toBeInTheDocument();
  });

  it('once the run has ended, a full bar while the report is read (not a count that fell back to 0)', () => {
    render(<ProgressView processed={0} total={28} phase="succeeded" label="Shift due date progress" />);
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '28');
    expect(screen.getByText('28 of 28 projects · Succeeded, reading the report…')).toBeInTheDocument();
  });
});
