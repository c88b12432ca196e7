/** The list of shown memes: one item per match (data-testid="match", data-file, data-distance), nearest first. */
import type { ShownMatch } from './search_protocol.js';

export interface MatchViewHooks {
  /** A meme's readable name. */
  title(path: string): string;
  /** Where its thumbnail is. */
  thumbUrl(match: ShownMatch): string;
  /** Opens it full size. */
  onOpen(match: ShownMatch): void;
}

/** '93% match', or '' without a score. */
export function scoreText(match: ShownMatch): string {
  return match.score === undefined ? '' : `${Math.round(match.score * 100)}% match`;
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}

/** An empty slot where a meme will show: keeps the layout still until the first match. */
function placeholder(i: number): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'match placeholder';
  li.setAttribute('aria-hidden', 'true');
  li.append(span('slot', `${i + 1}`));
  return li;
}

function item(match: ShownMatch, rank: number, hooks: MatchViewHooks): HTMLLIElement {
  const title = hooks.title(match.file);
  const li = document.createElement('li');
  li.className = 'match';
  li.setAttribute('data-testid', 'match');
  li.dataset['file'] = match.file;
  li.dataset['distance'] = String(match.distance);
  li.dataset['source'] = match.source;
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'open';
  open.setAttribute('aria-label', `Open ${title} full size`);
  open.addEventListener('click', () => hooks.onOpen(match));
  const img = document.createElement('img');
  img.src = hooks.thumbUrl(match);
  img.alt = `${title} (meme)`;
  img.decoding = 'async';
  open.append(img);
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.append(span('rank', `#${rank}`), span('name', title), span('score', scoreText(match)), span('distance', `distance ${match.distance.toFixed(3)}`));
  if (match.source === 'yours') meta.append(span('yours-tag', 'one of yours'));
  li.append(open, meta);
  return li;
}

/**
 * Shows `matches` in `list` (`slots` placeholders when there are none). When the same memes come
 * in the same order as `previous`, only their figures change: no image reloads, focus stays.
 */
export function renderMatchList(
  list: HTMLOListElement,
  matches: readonly ShownMatch[],
  previous: readonly ShownMatch[],
  hooks: MatchViewHooks,
  slots: number,
): void {
  if (matches.length === 0) {
    list.replaceChildren(...Array.from({ length: slots }, (_, i) => placeholder(i)));
    return;
  }
  const same = matches.length === previous.length && matches.every((m, i) => m.file === previous[i]?.file);
  if (same && list.querySelectorAll('[data-testid="match"]').length === matches.length) {
    [...list.children].forEach((li, i) => {
      const m = matches[i]!;
      (li as HTMLElement).dataset['distance'] = String(m.distance);
      li.querySelector('.score')!.textContent = scoreText(m);
      li.querySelector('.distance')!.textContent = `distance ${m.distance.toFixed(3)}`;
    });
    return;
  }
  const focusedFile = (document.activeElement?.closest('[data-testid="match"]') as HTMLElement | null)?.dataset['file'];
  list.replaceChildren(...matches.map((m, i) => item(m, i + 1, hooks)));
  if (focusedFile) {
    const again = [...list.querySelectorAll<HTMLElement>('[data-testid="match"]')].find((li) => li.dataset['file'] === focusedFile);
    again?.querySelector('button')?.focus();
  }
}
