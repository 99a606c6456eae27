import { useState } from 'react';
import { authorizationHeaders, useApiKey } from '../api/api-key';
import { bytes } from '../lib/format';
import { saveBlob } from '../lib/save-file';

/**
 * A checkpoint file to download. Without a key it is a plain link (the browser streams it to
 * disk); a link cannot carry an Authorization header, so with a key the file is fetched with
 * one and handed to the browser as a blob.
 */
export function DownloadLink({ file }: { file: { name: string; url: string; sizeBytes?: number } }) {
  const apiKey = useApiKey();
  const [error, setError] = useState<string | null>(null);
  const label = file.sizeBytes === undefined ? file.name : `${file.name} (${bytes(file.sizeBytes)})`;
  if (!apiKey) {
    return (
      <a href={file.url} download={file.name}>
        {label}
      </a>
    );
  }
  const download = async () => {
    setError(null);
    // From the server this page came from, whatever host the absolute URL names (HEADROOM_PUBLIC_URL
    // seen from loopback): the page may only connect to its own origin.
    const { pathname, search } = new URL(file.url, location.href);
    const response = await fetch(pathname + search, { headers: authorizationHeaders() });
    if (!response.ok) return setError(`HTTP ${response.status}`);
    saveBlob(file.name, await response.blob());
  };
  return (
    <>
      <button type="button" className="link" onClick={() => void download().catch((failure: Error) => setError(failure.message))}>
        {label}
      </button>
      {error ? <span className="error"> {error}</span> : null}
    </>
  );
}
