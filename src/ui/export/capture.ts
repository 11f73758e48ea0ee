/**
 * Export of what is on screen: the open lab as PNG or SVG (html-to-image renders the DOM into an SVG
 * foreignObject, and for PNG onto a canvas; chosen over hand-written DOM serialisation because it inlines
 * computed styles, canvases and images correctly), each carrying the scene's link so the file re-opens as the
 * same scene (png-text.ts, svg-link.ts); the event trace as JSON lines and the exit log as CSV.
 */
import { toPng, toSvg } from 'html-to-image';
import { PNG_LINK_KEYWORD, withPngText } from './png-text.ts';
import { withSvgLink } from './svg-link.ts';
import { exitsCsv } from './exits-csv.ts';
import { download } from './download.ts';
import { currentLink } from '../shell/link-sync.ts';
import { commands } from '../engine/client.ts';
import { useApp } from '../../state/store.ts';


const baseName = (): string => {
  const s = useApp.getState();
  const at = s.lab === 'rings' ? `-event-${s.status?.position.seq ?? 0}` : '';
  return `vt-lab-${s.lab}${at}`;
};

function target(): HTMLElement {
  const el = document.querySelector<HTMLElement>('.lab-area');
  if (el === null) throw new Error('there is no lab on screen to export');
  return el;
}

/**
 * Only what is on screen is drawn: an element wholly outside the lab's visible box (the rest of a long code
 * listing or event log, scrolled away) is left out. Inlining every node's computed style is what makes DOM
 * capture slow, and the Rings lab holds thousands of rows of which a few dozen are visible.
 */
function onScreen(box: DOMRect): (node: Node) => boolean {
  return (node) => {
    if (!(node instanceof Element) || node.tagName === 'OPTION' || node.tagName === 'OPTGROUP') return true;
    const r = node.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return node.childElementCount === 0 ? false : true;
    return r.bottom >= box.top && r.top <= box.bottom && r.right >= box.left && r.left <= box.right;
  };
}

const options = (el: HTMLElement) => ({
  backgroundColor: getComputedStyle(document.body).backgroundColor,
  width: el.clientWidth,
  height: el.clientHeight,
  filter: onScreen(el.getBoundingClientRect()),
  // The app's own fonts are system fonts: nothing to fetch or embed (and no request leaves the origin).
  skipFonts: true,
});

const SVG_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-size', 'font-weight', 'font-family', 'font-style', 'text-anchor', 'dominant-baseline', 'display', 'visibility', 'marker-end', 'marker-start'] as const;

/**
 * html-to-image copies computed styles onto HTML clones but not reliably onto SVG content, whose look here comes
 * from CSS rules (ring boxes drew black, their labels vanished), and a <select> clone loses its choice. So the
 * live nodes get their computed look written inline for the capture, and everything is put back afterwards.
 */
function freezeLook(root: HTMLElement): () => void {
  const undo: (() => void)[] = [];
  // Scrollable panels keep their scroll position in the image but not their scroll bars (styles.css .capturing):
  // the clone copies each node's computed scrollbar-width.
  root.classList.add('capturing');
  undo.push(() => root.classList.remove('capturing'));
  for (const n of root.querySelectorAll<SVGElement>('svg *')) {
    const before = n.getAttribute('style');
    const cs = getComputedStyle(n);
    for (const p of SVG_PROPS) n.style.setProperty(p, cs.getPropertyValue(p));
    undo.push(() => (before === null ? n.removeAttribute('style') : n.setAttribute('style', before)));
  }
  for (const sel of root.querySelectorAll('select')) {
    const opt = sel.selectedOptions[0];
    if (opt === undefined || opt.hasAttribute('selected')) continue;
    opt.setAttribute('selected', '');
    undo.push(() => opt.removeAttribute('selected'));
  }
  return () => undo.forEach((u) => u());
}

async function captured<T>(el: HTMLElement, draw: () => Promise<T>): Promise<T> {
  const thaw = freezeLook(el);
  try {
    return await draw();
  } finally {
    thaw();
  }
}

export async function exportPng(): Promise<void> {
  const el = target();
  const dataUrl = await captured(el, () => toPng(el, { ...options(el), pixelRatio: Math.max(1, window.devicePixelRatio || 1) }));
  const bytes = Uint8Array.from(atob(dataUrl.slice(dataUrl.indexOf(',') + 1)), (c) => c.charCodeAt(0));
  download(`${baseName()}.png`, new Blob([withPngText(bytes, PNG_LINK_KEYWORD, currentLink()) as Uint8Array<ArrayBuffer>], { type: "image/png" }));
}

export async function exportSvg(): Promise<void> {
  const el = target();
  const dataUrl = await captured(el, () => toSvg(el, options(el)));
  const svg = decodeURIComponent(dataUrl.slice(dataUrl.indexOf(',') + 1));
  download(`${baseName()}.svg`, new Blob([withSvgLink(svg, currentLink())], { type: 'image/svg+xml' }));
}

export async function exportTrace(): Promise<void> {
  download(`${baseName()}.trace.jsonl`, new Blob([await commands.exportTrace()], { type: 'application/x-ndjson' }));
}

export async function exportExitCsv(): Promise<void> {
  download(`${baseName()}.exits.csv`, new Blob([exitsCsv(await commands.exportTrace())], { type: 'text/csv' }));
}
