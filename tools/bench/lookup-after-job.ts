/**
 * The scanner's lookup right after a big job, with no manual step in between: GET
 * /items/unique_code?filter[code][_eq]=<code> through the real gateway, alone (sequential requests,
 * median and p95) and at 32 connections with autocannon (requests per second). Used by
 * bench:generate once its job is complete.
 */
import { performance } from 'node:perf_hooks';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface AutocannonRequest {
  method: string;
  path?: string;
  setupRequest?: (request: { path: string }) => { path: string };
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

// autocannon ships no types; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface LookupFigures {
  aloneMedianMs: number;
  aloneP95Ms: number;
  concurrentRps: number;
  concurrentP99Ms: number;
  failed: number;
}

const path = (code: string) => `/items/unique_code?filter[code][_eq]=${encodeURIComponent(code)}`;

export async function measureLookups(
  base: string,
  token: string,
  codes: string[],
  { alone = 50, connections = 32, seconds = 10 } = {},
): Promise<LookupFigures> {
  const headers = { Authorization: `Bearer ${token}` };
  const times: number[] = [];
  for (let i = 0; i < alone; i++) {
    const code = codes[i % codes.length];
    const started = performance.now();
    const response = await fetch(`${base}${path(code)}`, { headers });
    const body = (await response.json()) as { data?: { code: string }[] };
    times.push(performance.now() - started);
    if (response.status !== 200 || body.data?.[0]?.code !== code) {
      throw new Error(`lookup of ${code} answered ${response.status}: ${JSON.stringify(body)}`);
    }
  }
  times.sort((a, b) => a - b);
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: path(codes[next++ % codes.length]) }),
      },
    ],
  });
  return {
    aloneMedianMs: times[Math.floor(times.length / 2)],
    aloneP95Ms: times[Math.floor(times.length * 0.95)],
    concurrentRps: result.requests.average,
    concurrentP99Ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}
