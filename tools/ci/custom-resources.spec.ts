// The checks of tools/ci/custom-resources.js: the JSON Schema subset, the checked-in CRD schemas,
// and alerts / dashboards that read metrics the platform does not publish.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML documents

interface CustomResources {
  validateSchema(value: unknown, schema: Doc): string[];
  crdSchemaFor(doc: Doc): Doc | null;
  readKnownMetrics(): Set<string>;
  readKnownQueues(): Set<string>;
  unknownMetrics(expr: string, known: Set<string>): string[];
  checkCustomResources(docs: Doc[]): string[];
}

export {}; // a module: its names stay its own

const checks = jest.requireActual<CustomResources>('./custom-resources');

function rule(overrides: Doc = {}): Doc {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'sid-alerts' },
    spec: {
      groups: [
        {
          name: 'sid.pools',
          rules: [
            {
              alert: 'SidPoolBelowLowWaterMark',
              expr: 'sid_pool_unassigned_codes < sid_pool_low_water_mark',
              for: '10m',
              labels: { severity: 'warning' },
              annotations: { summary: 'low' },
              ...overrides,
            },
          ],
        },
      ],
    },
  };
}

function dashboard(expr: string): Doc {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'sid-grafana-dashboard', labels: { grafana_dashboard: '1' } },
    data: {
      'grafana-dashboard.json': JSON.stringify({
        title: 'Serialized identifiers',
        uid: 'sid',
        panels: [{ title: 'Depth', targets: [{ expr }] }],
      }),
    },
  };
}

describe('validateSchema', () => {
  const schema = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: '^[a-z]+$' },
      count: { type: 'integer', minimum: 1 },
      tags: { type: 'object', additionalProperties: { type: 'string' } },
      items: { type: 'array', items: { enum: ['a', 'b'] } },
    },
  };

  it('accepts a valid value and names each problem of an invalid one', () => {
    expect(checks.validateSchema({ name: 'ok', count: 2, tags: { a: 'b' } }, schema)).toEqual([]);
    expect(
      checks.validateSchema({ count: 0, tags: { a: 1 }, items: ['c'], extra: true }, schema),
    ).toEqual([
      'name: is required',
      'count: must be >= 1',
      'tags.a: must be string',
      'items[0]: must be one of "a", "b"',
      'extra: unknown field',
    ]);
    expect(checks.validateSchema({ name: 'Upper' }, schema)).toEqual([
      'name: "Upper" does not match ^[a-z]+$',
    ]);
  });
});

describe('checked-in CRD schemas', () => {
  it('exist for the custom resources in k8s/, not for core kinds', () => {
    for (const [apiVersion, kind] of [
      ['keda.sh/v1alpha1', 'ScaledObject'],
      ['monitoring.coreos.com/v1', 'PrometheusRule'],
      ['monitoring.coreos.com/v1', 'PodMonitor'],
    ]) {
      expect(checks.crdSchemaFor({ apiVersion, kind })).not.toBeNull();
    }
    expect(checks.crdSchemaFor({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBeNull();
  });

  it('refuse a PodMonitor with a misspelt field and a relative path', () => {
    const problems = checks.checkCustomResources([
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: 'workers' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          podMetricsEndpoints: [{ port: 'health', path: 'metrics', intervall: '15s' }],
        },
      },
    ]);
    expect(problems).toEqual([
      'PodMonitor/workers: schema: spec.podMetricsEndpoints[0].path: "metrics" does not match ^/',
      'PodMonitor/workers: schema: spec.podMetricsEndpoints[0].intervall: unknown field',
    ]);
  });
});

describe('what the platform publishes', () => {
  it('knows the sid_ metrics of the observability lib, histograms with their series', () => {
    const known = checks.readKnownMetrics();
    expect(known.has('sid_queue_jobs')).toBe(true);
    expect(known.has('sid_job_duration_seconds_count')).toBe(true);
    expect(known.has('sid_pool_exhaustion_seconds')).toBe(true);
    expect(known.has('sid_queue_jobs_count')).toBe(false);
    expect(checks.readKnownQueues()).toEqual(
      new Set([
        'identifier-generation',
        'code-reservation',
        'code-export',
        'code-pool',
        'code-ingestion',
        'workorder-file',
        'webhook-delivery',
      ]),
    );
  });

  it('accepts a rule and a dashboard that read published metrics', () => {
    expect(checks.checkCustomResources([rule(), dashboard('max(sid_queue_jobs)')])).toEqual([]);
  });

  it('reports alerts and panels that read unknown metrics, and alerts without severity', () => {
    const problems = checks.checkCustomResources([
      rule({ expr: 'sid_pool_left < 1', labels: {} }),
      dashboard('sum(rate(sid_codes_made_total[5m]))'),
    ]);
    expect(problems).toEqual([
      'PrometheusRule/sid-alerts: sid.pools/SidPoolBelowLowWaterMark: expr reads sid_pool_left, which no app publishes',
      'PrometheusRule/sid-alerts: sid.pools/SidPoolBelowLowWaterMark: needs a severity label',
      'ConfigMap/sid-grafana-dashboard: grafana-dashboard.json: panel "Depth" reads sid_codes_made_total, which no app publishes',
    ]);
  });
});
