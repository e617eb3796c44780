import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MarkupError, markedToNodes, parseMarkedText, renderSegments } from '../src';

describe('parseMarkedText', () => {
  it('splits marked matches from plain text', () => {
    expect(parseMarkedText('The <mark>checkout</mark> flow <mark>v2</mark>')).toEqual([
      { text: 'The ', highlighted: false },
      { text: 'checkout', highlighted: true },
      { text: ' flow ', highlighted: false },
      { text: 'v2', highlighted: true },
    ]);
    expect(parseMarkedText('')).toEqual([]);
    expect(parseMarkedText('<mark></mark>plain')).toEqual([{ text: 'plain', highlighted: false }]);
    expect(parseMarkedText('<mark>a</mark><mark>b</mark>')).toEqual([{ text: 'ab', highlighted: true }]);
  });

  it('decodes the escaping the API applies, as text', () => {
    expect(parseMarkedText('R&amp;D &lt;script&gt; &quot;q&quot; &#x27;s&#39; &apos; &#8364;')).toEqual([
      { text: 'R&D <script> "q" \'s\' \' €', highlighted: false },
    ]);
    expect(parseMarkedText('<mark>&lt;b&gt;</mark>')).toEqual([{ text: '<b>', highlighted: true }]);
  });

  it.each([
    ['<script>alert(1)</script>'],
    ['<b>bold</b>'],
    ['<mark class="x">a</mark>'],
    ['<MARK>a</MARK>'],
    ['<mark>a<mark>b</mark></mark>'],
    ['<mark>never closed'],
    ['closed </mark> first'],
    ['<img src=x onerror=alert(1)>'],
    ['a < b'],
    ['R&D'],
    ['&nbsp;'],
    ['&#0;'],
    ['&#xD800;'],
    ['&#x110000;'],
  ])('refuses %j', (input) => {
    expect(() => parseMarkedText(input)).toThrow(MarkupError);
  });

  it('falls back to the whole input as plain text when asked', () => {
    expect(parseMarkedText('<b>x</b>', { onInvalid: 'text' })).toEqual([{ text: '<b>x</b>', highlighted: false }]);
  });

  it('renders marks as elements and everything else as inert text', () => {
    const { container } = render(<p>{markedToNodes('&lt;img src=x onerror=alert(1)&gt; <mark>pay</mark>ments')}</p>);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelectorAll('mark')).toHaveLength(1);
    expect(container.querySelector('mark')).toHaveClass('pc-mark');
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> payments');
    const fallback = render(<p>{markedToNodes('<b>bold</b>', { onInvalid: 'text' })}</p>);
    expect(fallback.container.querySelector('b')).toBeNull();
    expect(fallback.container).toHaveTextContent('<b>bold</b>');
  });

  it('renders segments in order', () => {
    const { container } = render(
      <p>{renderSegments([{ text: 'a', highlighted: false }, { text: 'b', highlighted: true }])}</p>,
    );
    expect(container.querySelector('p')?.innerHTML).toBe('a<mark class="pc-mark">b</mark>');
  });
});
