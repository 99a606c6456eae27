import http from 'node:http';

/** A raw HTTP request, so Host and Origin can be anything (fetch does not let a caller set Host), with the answer's status, headers and body (parsed when JSON). */
export function rawRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: body.startsWith('{') ? JSON.parse(body) : body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
