/**
 * Single keys and two-key sequences (`g d`) for the whole app. Never fires while the user types
 * in a field, or with a modifier held (browser and OS shortcuts win).
 */
import { useEffect, useLayoutEffect, useRef } from 'react';

export type Hotkey = { keys: string; description: string; group?: string; handler: (e: KeyboardEvent) => void };

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
}

export function useHotkeys(hotkeys: Hotkey[], enabled = true) {
  const ref = useRef(hotkeys);
  useLayoutEffect(() => {
    ref.current = hotkeys;
  });
  useEffect(() => {
    if (!enabled) return;
    let pending: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const key = e.key;
      const candidates = ref.current;
      if (pending) {
        const seq = `${pending} ${key}`;
        pending = null;
        clearTimeout(timer);
        const match = candidates.find((h) => h.keys === seq);
        if (match) {
          e.preventDefault();
          match.handler(e);
          return;
        }
      }
      if (candidates.some((h) => h.keys.startsWith(`${key} `))) {
        pending = key;
        timer = setTimeout(() => (pending = null), 1_200);
        return;
      }
      const match = candidates.find((h) => h.keys === key);
      if (match) {
        e.preventDefault();
        match.handler(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      clearTimeout(timer);
    };
  }, [enabled]);
}
