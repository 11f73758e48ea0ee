/**
 * The production page's Content-Security-Policy (issue 9, "a locked-down page"), injected into index.html by
 * vite.config.ts at build time only (Vite's dev server needs inline scripts for hot reload).
 *
 * - script-src 'self': no inline script, no eval, no other origin. The app, its lab chunks and the service-worker
 *   registration (registerSW.js) are files of the site.
 * - worker-src 'self': the simulator worker and the service worker come from the site.
 * - style-src 'self' 'unsafe-inline': React and d3 set element styles (style properties through the CSSOM, which
 *   CSP does not restrict), and the PNG/SVG export (html-to-image) copies computed styles into style attributes
 *   of its clone; inline *styles* cannot run code.
 * - img-src data: blob:: the export renders the view to a data: URL image and downloads go through blob: URLs.
 * - connect-src 'self' data: blob:: the service worker and the app fetch only the site's own files (the PlanetLab
 *   traces); the export reads its own data: URLs back.
 * - object-src 'none', base-uri 'self', form-action 'none': nothing to embed, no base rewriting, no forms sent.
 * frame-ancestors is not set: a <meta> policy cannot carry it, and embedding in other sites is a feature (issue 8).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' data: blob:",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
