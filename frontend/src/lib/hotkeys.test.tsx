import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { useHotkeys } from '@/lib/hotkeys';

function Harness({ onNew, onGoProjects }: { onNew: () => void; onGoProjects: () => void }) {
  useHotkeys([
    { keys: 'n', description: 'new', handler: onNew },
    { keys: 'g p', description: 'projects', handler: onGoProjects },
  ]);
  return <input aria-label="Title" />;
}

describe('useHotkeys', () => {
  it('fires single keys and two-key sequences', async () => {
    const onNew = vi.fn();
    const onGo = vi.fn();
    render(<Harness onNew={onNew} onGoProjects={onGo} />);
    await userEvent.keyboard('n');
    await userEvent.keyboard('gp');
    expect(onNew).toHaveBeenCalledTimes(1);
    expect(onGo).toHaveBeenCalledTimes(1);
  });

  it('never fires while typing in a field or with a modifier', async () => {
    const onNew = vi.fn();
    const onGo = vi.fn();
    const { getByLabelText } = render(<Harness onNew={onNew} onGoProjects={onGo} />);
    await userEvent.click(getByLabelText('Title'));
    await userEvent.keyboard('ngp');
    (getByLabelText('Title') as HTMLInputElement).blur();
    await userEvent.keyboard('{Control>}n{/Control}');
    expect(onNew).not.toHaveBeenCalled();
    expect(onGo).not.toHaveBeenCalled();
  });
});
