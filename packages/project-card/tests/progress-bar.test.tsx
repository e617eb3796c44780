import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src';

describe('ProgressBar', () => {
  it('exposes its value with aria attributes and a text alternative', () => {
    render(<ProgressBar value={42} />);
    const bar = screen.getByRole('progressbar', { name: 'Progress' });
    expect(bar).toHaveAttribute('aria-valuemin', '0');
    expect(bar).toHaveAttribute('aria-valuemax', '100');
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(bar).toHaveAttribute('aria-valuetext', '42%');
    expect(bar.querySelector('.pc-progress__fill')).toHaveStyle({ width: '42%' });
    expect(screen.getByText('42%')).toHaveAttribute('aria-hidden', 'true');
  });

  it.each([
    [-5, '0'],
    [140, '100'],
    [Number.NaN, '0'],
  ])('clamps %s to %s', (value, expected) => {
    render(<ProgressBar value={value} />);
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', expected);
  });

  it('supports another max, a custom label and value text, and hiding the number', () => {
    render(<ProgressBar value={3} max={4} label="Milestones" valueText="3 of 4 done" showValue={false} />);
    const bar = screen.getByRole('progressbar', { name: 'Milestones' });
    expect(bar).toHaveAttribute('aria-valuemax', '4');
    expect(bar).toHaveAttribute('aria-valuetext', '3 of 4 done');
    expect(bar.querySelector('.pc-progress__fill')).toHaveStyle({ width: '75%' });
    expect(screen.queryByText('75%')).toBeNull();
  });

  it('can be named by visible text instead', () => {
    render(
      <>
        <span id="lbl">Sprint</span>
        <ProgressBar value={10} aria-labelledby="lbl" />
      </>,
    );
    expect(screen.getByRole('progressbar', { name: 'Sprint' })).not.toHaveAttribute('aria-label');
  });
});
