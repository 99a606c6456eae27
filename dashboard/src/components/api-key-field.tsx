import { useState } from 'react';
import { storeApiKey, useApiKey } from '../api/api-key';

/**
 * Where a key is pasted on servers that require one. It is kept in this browser's localStorage
 * and sent as `Authorization: Bearer <key>` on every request and socket.
 */
export function ApiKeyField() {
  const saved = useApiKey();
  const [draft, setDraft] = useState('');
  if (saved) {
    return (
      <div className="api-key">
        <span title="sent as Authorization: Bearer on every request">API key {saved.split('_').slice(0, 2).join('_')}_…</span>
        <button type="button" onClick={() => storeApiKey('')}>
          Forget
        </button>
      </div>
    );
  }
  return (
    <form
      className="api-key"
      onSubmit={(event) => {
        event.preventDefault();
        storeApiKey(draft);
        setDraft('');
      }}
    >
      <input
        type="password"
        name="api-key"
        aria-label="API key"
        placeholder="API key (hr_…), if the server needs one"
        autoComplete="off"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
      <button type="submit" disabled={!draft.trim()}>
        Save key
      </button>
    </form>
  );
}
