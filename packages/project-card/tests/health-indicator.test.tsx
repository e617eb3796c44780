import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { HealthIndicator } from '../src';
import { expectNoAxeViolations } from './axe';

const reasons = [
  { code: 'milestone_overdue', severity: 'off_track' as const, message: 'Milestone "Launch" is 9 days overdue' },
  { code: 'progress_behind', severity: 'at_risk' as const, message: 'Progress is behind schedule' },
];

describe('HealthIndicator', () => {
  it('opens its reasons tooltip on keyboard focus, describes the trigger, and Esc closes it', async () => {
    const user = userEvent.setup();
    render(
      <>
        <button type="button">before</button>
        <HealthIndicator health="off_track" reasons={reasons} />
      </>,
    );
    const trigger = screen.getByRole('button', { name: 'Health: Off track' });
    const tooltip = screen.getByRole('tooltip', { hidden: true });
    expect(tooltip).not.toBeVisible();
    expect(trigger).toHaveAttribute('aria-describedby', tooltip.id);

    await user.click(screen.getByRole('button', { name: 'before' }));
    await user.tab();
    expect(trigger).toHaveFocus();
    expect(screen.getByRole('tooltip')).toBeVisible();
    expect(trigger).toHaveAccessibleDescription(
      'Reasons: Milestone "Launch" is 9 days overdue; Progress is behind schedule',
    );

    await user.keyboard('{Escape}');
    expect(tooltip).not.toBeVisible();
    expect(trigger).toHaveFocus();

    // Leaving and coming back opens it again.
    await user.tab({ shift: true });
    await user.tab();
    expect(tooltip).toBeVisible();
    await user.tab({ shift: true });
    expect(tooltip).not.toBeVisible();
  });

  it('opens on hover, stays open while the pointer is on the tooltip, and Esc dismisses it without focus', async () => {
    const user = userEvent.setup();
    render(<HealthIndicator health="at_risk" reasons={['Owner left the company']} />);
    const trigger = screen.getByRole('button', { name: 'Health: At risk' });
    const tooltip = screen.getByRole('tooltip', { hidden: true });

    await user.hover(trigger);
    expect(tooltip).toBeVisible();
    expect(tooltip).toHaveTextContent('Reason: Owner left the company');
    await user.hover(tooltip);
    expect(tooltip).toBeVisible();
    await user.unhover(tooltip);
    expect(tooltip).not.toBeVisible();

    await user.hover(trigger);
    expect(trigger).not.toHaveFocus();
    await user.keyboard('{Escape}');
    expect(tooltip).not.toBeVisible();
  });

  it('keeps Esc from reaching an enclosing dialog when it closes the tooltip', async () => {
    const user = userEvent.setup();
    const onDialogKey = vi.fn();
    render(
      // eslint-disable-next-line jsx-a11y/no-static-element-interactions
      <div onKeyDown={(event) => onDialogKey(event.key)}>
        <HealthIndicator health="at_risk" reasons={reasons} />
      </div>,
    );
    await user.tab();
    await user.keyboard('{Escape}');
    expect(onDialogKey).not.toHaveBeenCalled();
    // Once closed, the next Esc is the dialog's.
    await user.keyboard('{Escape}');
    expect(onDialogKey).toHaveBeenCalledWith('Escape');
  });

  it('is plain text with no button or tooltip when there are no reasons', () => {
    render(<HealthIndicator health="on_track" reasons={[]} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByRole('tooltip', { hidden: true })).toBeNull();
    expect(screen.getByText('On track').closest('.pc-health')).toHaveAttribute('data-health', 'on_track');
  });

  it('says when the health was set by hand', () => {
    render(<HealthIndicator health="off_track" overridden />);
    fireEvent.focus(screen.getByRole('button'));
    expect(screen.getByRole('tooltip')).toHaveTextContent('Set manually');
  });

  it('marks each reason with its severity and passes axe while open', async () => {
    const { container } = render(<HealthIndicator health="off_track" reasons={reasons} />);
    fireEvent.focus(screen.getByRole('button'));
    const items = container.querySelectorAll('.pc-tooltip__item');
    expect([...items].map((i) => i.getAttribute('data-severity'))).toEqual(['off_track', 'at_risk']);
    await expectNoAxeViolations(container);
  });
});
