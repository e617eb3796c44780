import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MemberAvatars, contrastRatio, initials } from '../src';
import { expectNoAxeViolations } from './axe';

const people = ['Ada Lovelace', 'Grace Brewster Hopper', 'linus', 'Émilie du Châtelet', 'Alan Turing', 'Katherine Johnson'].map(
  (name, i) => ({ id: i + 1, name, detail: i === 0 ? 'Lead' : undefined }),
);

describe('MemberAvatars', () => {
  it('shows initials, stacked, with "+N" for the rest and every name in the accessible text', async () => {
    const { container } = render(<MemberAvatars people={people} max={4} />);
    const list = screen.getByRole('list', { name: 'Team members' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(5);
    const shown = [...list.querySelectorAll('.pc-avatar')].map((a) => a.textContent);
    expect(shown).toEqual(['AL', 'GH', 'L', 'ÉC', '+2']);
    expect(items[0]).toHaveTextContent('Ada Lovelace, Lead');
    expect(items[4]).toHaveTextContent('and 2 more: Alan Turing; Katherine Johnson');
    expect(items[4]?.querySelector('.pc-avatar')).toHaveAttribute('title', 'Alan Turing\nKatherine Johnson');
    await expectNoAxeViolations(container);
  });

  it('shows no "+N" when everyone fits, and nothing for nobody', () => {
    const { rerender, container } = render(<MemberAvatars people={people.slice(0, 2)} max={4} />);
    expect(screen.queryByText(/^\+/)).toBeNull();
    rerender(<MemberAvatars people={[]} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('picks each avatar text colour for AA contrast on its background', () => {
    render(<MemberAvatars people={people} max={6} />);
    for (const avatar of document.querySelectorAll<HTMLElement>('.pc-avatar')) {
      const bg = avatar.style.getPropertyValue('--pc-avatar-bg');
      const fg = avatar.style.getPropertyValue('--pc-avatar-fg');
      expect(contrastRatio(bg, fg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('computes initials from first and last words', () => {
    expect(initials('  ada   king lovelace ')).toBe('AL');
    expect(initials('')).toBe('?');
    expect(initials('😀 smile')).toBe('😀S');
  });
});
