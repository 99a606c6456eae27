/** Hands `blob` to the browser as a download named `filename`; nothing is asked of the server. */
export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // Revoked once the click has been handled: the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
