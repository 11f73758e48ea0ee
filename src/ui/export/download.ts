/**
 * Saves a blob as a file through a temporary link: the one download path of the app's exports (PNG, SVG, trace,
 * exit log, all user data). Its own module so the user-data export does not pull html-to-image into the first view.
 */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
