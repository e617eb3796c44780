import { Fragment, useEffect, useId, useState, type KeyboardEvent } from 'react';
import { cx } from './class-names';
import type { ProjectCardHealthReason, ProjectHealth } from './types';

export const HEALTH_LABELS: Readonly<Record<ProjectHealth, string>> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
};

export interface HealthIndicatorProps {
  health: ProjectHealth;
  /** The API's `health_reasons`, or plain strings. Shown in a tooltip when there are any. */
  reasons?: ReadonlyArray<ProjectCardHealthReason | string> | undefined;
  /** True when the health was set by hand (the API's `health_override`). */
  overridden?: boolean | undefined;
  /** Visible text; defaults to the health's English label. */
  label?: string | undefined;
  className?: string | undefined;
  id?: string | undefined;
}

function reasonText(reason: ProjectCardHealthReason | string): string {
  return typeof reason === 'string' ? reason : reason.message;
}

/**
 * The health as a coloured dot and label. With reasons, the label is a button
 * whose tooltip lists them: it opens on hover and on keyboard focus, stays open
 * while the pointer is over it, and Esc closes it (WCAG 1.4.13).
 */
export function HealthIndicator({ health, reasons = [], overridden = false, label, className, id }: HealthIndicatorProps) {
  const tooltipId = useId();
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const open = (hovered || focused) && !dismissed;
  const text = label ?? HEALTH_LABELS[health] ?? String(health);
  const hasTooltip = reasons.length > 0 || overridden;

  useEffect(() => {
    if (!open) return;
    // Esc dismisses a hover-opened tooltip too, wherever focus is.
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') setDismissed(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      // Only this tooltip closes; an enclosing dialog stays open.
      event.stopPropagation();
      event.nativeEvent.stopImmediatePropagation();
      setDismissed(true);
    }
  };

  const content = (
    <>
      <span className="pc-health__dot" aria-hidden="true" />
      <span className="pc-sr-only">Health:</span>{' '}
      <span className="pc-health__label">{text}</span>
      {reasons.length > 0 ? (
        <span className="pc-health__count" aria-hidden="true">
          {reasons.length}
        </span>
      ) : null}
    </>
  );

  if (!hasTooltip) {
    return (
      <span id={id} className={cx('pc-health', className)} data-health={health}>
        {content}
      </span>
    );
  }

  return (
    // Hover is tracked on the wrapper so the pointer can move onto the tooltip; the button carries the keyboard.
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <span
      id={id}
      className={cx('pc-health', className)}
      data-health={health}
      data-open={open ? '' : undefined}
      onMouseEnter={() => {
        setHovered(true);
        setDismissed(false);
      }}
      onMouseLeave={() => setHovered(false)}
    >
      <button
        type="button"
        className="pc-health__trigger"
        aria-describedby={tooltipId}
        onFocus={() => {
          setFocused(true);
          setDismissed(false);
        }}
        onBlur={() => setFocused(false)}
        onClick={() => setDismissed(false)}
        onKeyDown={onKeyDown}
      >
        {content}
      </button>
      <span role="tooltip" id={tooltipId} className="pc-tooltip" hidden={!open}>
        {reasons.length > 0 ? (
          <>
            <span className="pc-tooltip__title">
              {reasons.length === 1 ? 'Reason' : 'Reasons'}
              {overridden ? ' (set manually)' : ''}:
            </span>{' '}
            <span className="pc-tooltip__list">
              {reasons.map((reason, index) => (
                <Fragment key={typeof reason === 'string' ? index : `${reason.code}-${index}`}>
                  {index > 0 ? ' ' : null}
                  <span
                  className="pc-tooltip__item"
                  data-severity={typeof reason === 'string' ? undefined : reason.severity}
                >
                  {reasonText(reason)}
                  {index < reasons.length - 1 ? <span className="pc-sr-only">;</span> : null}
                </span>
                </Fragment>
              ))}
            </span>
          </>
        ) : (
          <span className="pc-tooltip__title">Set manually</span>
        )}
      </span>
    </span>
  );
}
