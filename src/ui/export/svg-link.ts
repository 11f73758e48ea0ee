/**
 * An SVG that re-opens as its scene: the link goes into the SVG's <metadata> (SVG 1.1 §21.2, the place for
 * machine-readable data) as a namespaced element, and the whole picture is a hyperlink to the scene.
 */
export const VTLAB_NS = 'https://vt-lab.invalid/ns/1';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The SVG text with the link added after the root element's start tag. */
export function withSvgLink(svg: string, link: string): string {
  const m = /<svg\b[^>]*>/.exec(svg);
  if (m === null) throw new Error('not an SVG image');
  // i18n-ignore: SVG markup carrying the link
  const meta = `<metadata><vtlab:link xmlns:vtlab="${VTLAB_NS}">${esc(link)}</vtlab:link></metadata>`;
  return svg.slice(0, m.index + m[0].length) + meta + svg.slice(m.index + m[0].length);
}

/** The link an exported SVG carries (null: none). */
export function readSvgLink(svg: string): string | null {
  const m = /<vtlab:link\b[^>]*>([^<]*)<\/vtlab:link>/.exec(svg);
  if (m === null) return null;
  return m[1].replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}
