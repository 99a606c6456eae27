import fs from 'node:fs';
import path from 'node:path';
import { TestServer } from './test-server.js';

export interface UploadAnswer {
  status: number;
  body: { data?: { checkpointId: string; labelSetId: string; labels: number; name: string; ignoredFiles: string[] }; errors?: Array<{ message: string; extensions: Record<string, any> }> };
}

/** POSTs a folder's files to /models as multipart/form-data, streamed from disk, as a page or the CLI would. */
export async function uploadFolder(server: TestServer, folder: string, name: string | null, headers: Record<string, string> = {}): Promise<UploadAnswer> {
  const form = new FormData();
  if (name !== null) form.append('name', name);
  for (const file of fs.readdirSync(folder).sort()) form.append('files', await fs.openAsBlob(path.join(folder, file)), file);
  const response = await fetch(`${server.url}/models`, { method: 'POST', body: form, headers });
  return { status: response.status, body: (await response.json()) as UploadAnswer['body'] };
}
