import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ProjectCard, parseMarkedText } from '../src';
import { expectNoAxeViolations } from './axe';
import { makeProject } from './fixtures';

describe('ProjectCard', () => {
  it('renders a labelled article with every part of the project', () => {
    const project = makeProject();
    render(<ProjectCard project={project} href="/projects/1" locale="en-GB" />);

    const article = screen.getByRole('article', { name: 'Checkout revamp' });
    const heading = within(article).getByRole('heading', { level: 3, name: 'Checkout revamp' });
    expect(within(heading).getByRole('link', { name: 'Checkout revamp' })).toHaveAttribute('href', '/projects/1');
    expect(within(article).getByText('Active')).toHaveClass('pc-status');
    expect(within(article).getByRole('button', { name: /Health: At risk/ })).toBeInTheDocument();
    const bar = within(article).getByRole('progressbar', { name: 'Progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '40');
    expect(bar).toHaveAttribute('aria-valuetext', '40%, 2 of 5 milestones done');
    const due = article.querySelector('time');
    expect(due).toHaveAttribute('dateTime', '2099-03-15');
    expect(due).toHaveTextContent('15 Mar 2099');
    expect(within(article).queryByText('Overdue')).toBeNull();
    expect(within(article).getByText('Owner').nextElementSibling).toHaveTextContent('Ada Lovelace');
    const team = within(article).getByRole('list', { name: 'Team members' });
    expect(within(team).getAllByRole('listitem')).toHaveLength(2);
    expect(team).toHaveTextContent('Grace Hopper, Developer');
    const tags = within(article).getByRole('list', { name: 'Tags' });
    expect(within(tags).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['payments', 'urgent']);
  });

  it('formats the due date for the given locale and never shifts the day', () => {
    render(<ProjectCard project={makeProject({ due_date: '2026-12-01' })} locale="de-DE" />);
    expect(document.querySelector('time')).toHaveTextContent('01.12.2026');
  });

  it('marks an overdue project, from the API flag or computed when the flag is absent', () => {
    const { rerender } = render(<ProjectCard project={makeProject({ due_date: '2020-01-01', is_overdue: true })} />);
    expect(screen.getByText('Overdue')).toHaveClass('pc-card__overdue');

    rerender(<ProjectCard project={makeProject({ due_date: '2020-01-01', is_overdue: undefined })} />);
    expect(screen.getByText('Overdue')).toBeInTheDocument();

    // A completed project is never overdue.
    rerender(
      <ProjectCard project={makeProject({ due_date: '2020-01-01', is_overdue: undefined, status: 'completed' })} />,
    );
    expect(screen.queryByText('Overdue')).toBeNull();
  });

  it('says when there is no due date, owner or team, and shows no tag list without tags', () => {
    render(<ProjectCard project={makeProject({ due_date: null, owner: null, members: [], tags: [] })} />);
    expect(screen.getByText('No due date')).toBeInTheDocument();
    expect(screen.getByText('Unassigned')).toBeInTheDocument();
    expect(screen.getByText('No members')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Tags' })).toBeNull();
  });

  it('renders the title as plain text without href or renderLink', () => {
    render(<ProjectCard project={makeProject()} />);
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Checkout revamp' })).toBeInTheDocument();
  });

  it('calls onNavigate on a plain click and leaves modified clicks to the browser', async () => {
    const user = userEvent.setup();
    const onNavigate = vi.fn();
    const outside = vi.fn((event: MouseEvent) => event.defaultPrevented);
    document.addEventListener('click', outside);
    render(<ProjectCard project={makeProject()} href="/projects/9" onNavigate={onNavigate} />);
    const link = screen.getByRole('link');

    await user.click(link);
    expect(onNavigate).toHaveBeenCalledTimes(1);
    expect(onNavigate.mock.calls[0]?.[0]).toBe('/projects/9');
    expect(outside.mock.results[0]?.value).toBe(true);

    await user.keyboard('{Control>}');
    await user.click(link);
    await user.keyboard('{/Control}');
    expect(onNavigate).toHaveBeenCalledTimes(1);
    expect(outside.mock.results[1]?.value).toBe(false);
    document.removeEventListener('click', outside);
  });

  it('lets a router link render the title through renderLink', () => {
    const renderLink = vi.fn(({ href, className, children }) => (
      <a data-router="yes" href={`#${href}`} className={className}>
        {children}
      </a>
    ));
    render(<ProjectCard project={makeProject()} href="/projects/3" renderLink={renderLink} />);
    const link = screen.getByRole('link', { name: 'Checkout revamp' });
    expect(link).toHaveAttribute('data-router', 'yes');
    expect(link).toHaveAttribute('href', '#/projects/3');
    expect(link).toHaveClass('pc-card__link');
    expect(renderLink).toHaveBeenCalledWith(expect.objectContaining({ href: '/projects/3' }));
  });

  it('highlights search matches from segments, keeping the accessible name the title', () => {
    const segments = parseMarkedText('<mark>Checkout</mark> revamp &amp; more');
    render(<ProjectCard project={makeProject({ title: 'Checkout revamp & more' })} highlight={segments} href="/p" />);
    const link = screen.getByRole('link', { name: 'Checkout revamp & more' });
    const marks = link.querySelectorAll('mark');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toHaveTextContent('Checkout');
    expect(screen.getByRole('article', { name: 'Checkout revamp & more' })).toBeInTheDocument();
  });

  it('shows the selected state, with a checkbox when it can change', async () => {
    const user = userEvent.setup();
    const onSelectedChange = vi.fn();
    const { rerender } = render(<ProjectCard project={makeProject()} selected />);
    const article = screen.getByRole('article');
    expect(article).toHaveAttribute('data-selected');
    expect(screen.getByRole('heading')).toHaveTextContent('(selected)');
    expect(screen.queryByRole('checkbox')).toBeNull();

    rerender(<ProjectCard project={makeProject()} selected={false} onSelectedChange={onSelectedChange} />);
    expect(article).not.toHaveAttribute('data-selected');
    const box = screen.getByRole('checkbox', { name: 'Select Checkout revamp' });
    expect(box).not.toBeChecked();
    await user.click(box);
    expect(onSelectedChange).toHaveBeenCalledWith(true);
  });

  it('applies density and fewer avatars and tags when compact', () => {
    const members = ['Ann Lee', 'Bo Chen', 'Cy Diaz', 'Di Egan', 'Ed Fox'].map((name, i) => ({
      id: i + 1,
      user: { id: i + 1, name },
      role: 'developer' as const,
    }));
    const tags = ['a', 'b', 'c', 'd'].map((name, i) => ({ id: i + 1, name, colour: '#123456' }));
    const { rerender } = render(<ProjectCard project={makeProject({ members, tags })} density="compact" />);
    expect(screen.getByRole('article')).toHaveAttribute('data-density', 'compact');
    expect(screen.getByRole('list', { name: 'Team members' })).toHaveTextContent('+2');
    expect(screen.getByRole('list', { name: 'Tags' })).toHaveTextContent('and 1 more: d');

    rerender(<ProjectCard project={makeProject({ members, tags })} />);
    expect(screen.getByRole('article')).toHaveAttribute('data-density', 'comfortable');
    expect(screen.getByRole('list', { name: 'Team members' })).toHaveTextContent('+1');
    expect(within(screen.getByRole('list', { name: 'Tags' })).getAllByRole('listitem')).toHaveLength(4);
  });

  it('uses the requested heading level and passes through article attributes', () => {
    render(<ProjectCard project={makeProject()} headingLevel={2} id="card-1" data-testid="x" className="mine" />);
    expect(screen.getByRole('heading', { level: 2 })).toBeInTheDocument();
    const article = screen.getByTestId('x');
    expect(article).toHaveAttribute('id', 'card-1');
    expect(article).toHaveClass('pc-card', 'mine');
  });

  it('renders a hostile title as text', () => {
    render(<ProjectCard project={makeProject({ title: '<img src=x onerror=alert(1)>' })} href="/p" />);
    expect(screen.getByRole('link')).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
  });

  it('has no axe violations, plain and selected with every part', async () => {
    const { container } = render(
      <div>
        <ProjectCard project={makeProject()} href="/projects/1" />
        <ProjectCard
          project={makeProject({ title: 'Second', is_overdue: true, due_date: '2020-01-01' })}
          href="/projects/2"
          selected
          onSelectedChange={() => undefined}
          density="compact"
          highlight={parseMarkedText('<mark>Sec</mark>ond')}
        />
      </div>,
    );
    await expectNoAxeViolations(container);
  });
});
