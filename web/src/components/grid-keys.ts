import { type KeyboardEvent } from 'react';

/**
 * Arrow keys, Home and End move the focus between the links of a grid, row by row as the grid is laid out
 * at the current width (so it works whatever the number of columns).
 */
export function gridKeyHandler(event: KeyboardEvent<HTMLElement>): void {
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a[data-grid-item]')];
  const index = links.indexOf(document.activeElement as HTMLAnchorElement);
  if (index < 0) return;
  const top = (link: HTMLElement) => link.getBoundingClientRect().top;
  const columns = Math.max(1, links.filter((link) => top(link) === top(links[0])).length);
  const moves: Record<string, number> = {
    ArrowRight: index + 1,
    ArrowLeft: index - 1,
    ArrowDown: index + columns,
    ArrowUp: index - columns,
    Home: 0,
    End: links.length - 1,
  };
  const target = moves[event.key];
  if (target === undefined) return;
  event.preventDefault();
  links[Math.min(links.length - 1, Math.max(0, target))]?.focus();
}
