/**
 * Latency of the API's read queries under load, from a separate process on loopback: `concurrency`
 * clients send the three queries researchers poll most (experiments, runs, run { epochs }) in turn
 * for `seconds`; then p50/p99 per query and the server's own event-loop delay over the window.
 */
const QUERIES = {
  experiments: `{ experiments(first: 20) { totalCount nodes { id name tags runs { totalCount } } } }`,
  runs: `query($id: ID!) { runs(filter: { experimentId: $id }, first: 50) { totalCount nodes { id status preset seed finalMetrics { overallAccuracy } } } }`,
  runEpochs: `query($id: ID!) { run(id: $id) { id status epochs { epoch loss oldAccuracy newAccuracy overallAccuracy intrusion seconds } } }`,
} as const;
type QueryName = keyof typeof QUERIES;

export interface ApiLoadResult {
  seconds: number;
  concurrency: number;
  requests: number;
  errors: number;
  latencyMs: Record<QueryName, { p50: number; p99: number; count: number }>;
  serverEventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number; samples: number };
}

export async function measureApiLoad(baseUrl: string, seconds: number, concurrency: number): Promise<ApiLoadResult> {
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const { experiments } = await graphql(`{ experiments(first: 1) { nodes { id runs(first: 1) { nodes { id } } } } }`);
  const experiment = experiments.nodes[0];
  if (!experiment?.runs.nodes[0]) throw new Error('the server has no experiment with runs: launch a sweep first (BENCHMARKS.md says how)');
  const variables: Record<QueryName, Record<string, unknown> | undefined> = {
    experiments: undefined,
    runs: { id: experiment.id },
    runEpochs: { id: experiment.runs.nodes[0].id },
  };

  const reset = await fetch(`${baseUrl}/health/reset`, { method: 'POST' });
  if (!reset.ok) throw new Error(`could not reset the server's event-loop measurement: ${await reset.text()}`);
  const latencies: Record<QueryName, number[]> = { experiments: [], runs: [], runEpochs: [] };
  let errors = 0;
  const names = Object.keys(QUERIES) as QueryName[];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let i = client; performance.now() < deadline; i++) {
        const name = names[i % names.length];
        const started = performance.now();
        try {
          await graphql(QUERIES[name], variables[name]);
          latencies[name].push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  const health = (await (await fetch(`${baseUrl}/health`)).json()) as { eventLoopDelay: ApiLoadResult['serverEventLoopDelay'] };
  const percentile = (values: number[], p: number) => {
    const sorted = values.slice().sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
  };
  return {
    seconds,
    concurrency,
    requests: names.reduce((total, name) => total + latencies[name].length, 0),
    errors,
    latencyMs: Object.fromEntries(names.map((name) => [name, { p50: percentile(latencies[name], 50), p99: percentile(latencies[name], 99), count: latencies[name].length }])) as ApiLoadResult['latencyMs'],
    serverEventLoopDelay: health.eventLoopDelay,
  };
}
