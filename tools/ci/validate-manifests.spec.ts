// The checks of tools/ci/validate-manifests.js on small in-memory manifests: a complete, valid
// platform passes, and each kind of mistake is reported.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML documents

interface Validator {
  checkKubernetes(
    docs: Doc[],
    options?: { namespace?: string | null; externalSecrets?: string[]; knownEnv?: Set<string> },
  ): string[];
  checkCompose(
    doc: Doc,
    options: { composeDir: string; appNames: string[]; knownEnv?: Set<string> },
  ): string[];
  checkDockerfile(text: string): string[];
  imageTagProblem(image: unknown): string | null;
  memoryBytes(quantity: unknown): number;
}

export {}; // a module: its names stay its own

const validator = jest.requireActual<Validator>('./validate-manifests');

const WORKERS = ['generator-worker', 'reservation-worker', 'export-worker'];

function container(name: string, port: { name: string; containerPort: number }, probePath: string) {
  return {
    name,
    image: `sid/${name}:1.2.3`,
    ports: [port],
    envFrom: [{ configMapRef: { name: 'sid-config' } }, { secretRef: { name: 'sid-secrets' } }],
    env: port.name === 'health' ? [{ name: 'HEALTH_PORT', value: String(port.containerPort) }] : [],
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
    readinessProbe: { httpGet: { path: probePath, port: port.name } },
    livenessProbe: {
      httpGet: {
        path: probePath === '/server/health' ? '/server/ping' : probePath,
        port: port.name,
      },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

function deployment(name: string, c: Doc, grace: number): Doc {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: grace,
          securityContext: { runAsNonRoot: true },
          containers: [c],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

const QUEUES: Record<string, string> = {
  'generator-worker': 'identifier-generation',
  'reservation-worker': 'code-reservation',
  'export-worker': 'code-export',
};

function scaledObject(name: string): Doc {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicaCount: name === 'export-worker' ? 0 : 1,
      maxReplicaCount: 4,
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress: 'http://prometheus:9090',
            query: `max(sid_queue_jobs{queue="${QUEUES[name]}",state="waiting"})`,
            threshold: '2',
          },
        },
      ],
    },
  };
}

function hpa(name: string): Doc {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 4,
    },
  };
}

/** A complete platform that passes every check; tests break one thing at a time. */
function platform(): Doc[] {
  const selector = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });
  const gateway = deployment(
    'api-gateway',
    container('api-gateway', { name: 'http', containerPort: 8055 }, '/server/health'),
    30,
  );
  gateway.spec.replicas = 2;
  const migrate = deployment(
    'sid-migrate',
    container('migrate', { name: 'none', containerPort: 1 }, '/'),
    30,
  );
  migrate.kind = 'Job';
  migrate.apiVersion = 'batch/v1';
  delete migrate.spec.selector;
  migrate.spec.template.spec.restartPolicy = 'Never';
  migrate.spec.template.spec.containers[0].command = [
    'node',
    'dist/libs/shared/database/src/cli/migrate.js',
  ];
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'sid-config' },
      data: { LOG_LEVEL: 'info' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sid-secrets' },
      stringData: { ADMIN_TOKEN: 'x' },
    },
    gateway,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api-gateway' },
      spec: {
        selector: { 'app.kubernetes.io/name': 'api-gateway' },
        ports: [{ port: 80, targetPort: 'http' }],
      },
    },
    migrate,
    ...WORKERS.flatMap((name) => [
      deployment(name, container(name, { name: 'health', containerPort: 3000 }, '/health'), 60),
      scaledObject(name),
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name },
        spec: { selector: selector(name) },
      },
    ]),
  ];
}

const find = (docs: Doc[], kind: string, name: string): Doc => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`fixture has no ${kind}/${name}`);
  return doc;
};
const firstContainer = (doc: Doc): Doc => doc.spec.template.spec.containers[0];

describe('checkKubernetes', () => {
  it('accepts a complete platform', () => {
    expect(validator.checkKubernetes(platform(), { namespace: null })).toEqual([]);
  });

  it('reports a Deployment whose selector does not match its pod labels', () => {
    const docs = platform();
    find(docs, 'Deployment', 'api-gateway').spec.selector.matchLabels = { app: 'other' };
    expect(validator.checkKubernetes(docs)).toContain(
      'Deployment/api-gateway: spec.selector does not match the pod template labels',
    );
  });

  it('reports a Service that selects no pods and a targetPort the pods lack', () => {
    const docs = platform();
    find(docs, 'Service', 'api-gateway').spec.ports[0].targetPort = 'web';
    expect(validator.checkKubernetes(docs)).toContain(
      'Service/api-gateway: targetPort "web" is not a port of the selected pods',
    );
    find(docs, 'Service', 'api-gateway').spec.selector = { 'app.kubernetes.io/name': 'gateway' };
    const problems = validator.checkKubernetes(docs);
    expect(problems).toContain('Service/api-gateway: selects no pod template');
    expect(problems).toContain('platform: no Service selects api-gateway');
  });

  it('reports an HPA without target, and a target that pins its replicas', () => {
    const docs = platform().filter((d) => d.kind !== 'ScaledObject');
    docs.push(...WORKERS.map(hpa));
    expect(validator.checkKubernetes(docs)).toEqual([]);
    find(docs, 'Deployment', 'export-worker').spec.replicas = 2;
    find(docs, 'HorizontalPodAutoscaler', 'generator-worker').spec.scaleTargetRef.name =
      'generator';
    const problems = validator.checkKubernetes(docs);
    expect(problems).toContain(
      'HorizontalPodAutoscaler/generator-worker: scaleTargetRef Deployment/generator does not exist',
    );
    expect(problems).toContain(
      'platform: no ScaledObject (or HorizontalPodAutoscaler) for generator-worker',
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^HorizontalPodAutoscaler\/export-worker: its target .* spec.replicas/),
    );
  });

  it('reports ScaledObjects with a wrong target, floor, queue, metric or field', () => {
    const docs = platform();
    find(docs, 'ScaledObject', 'generator-worker').spec.minReplicaCount = 0;
    find(docs, 'ScaledObject', 'export-worker').spec.scaleTargetRef.name = 'exporter';
    const reservation = find(docs, 'ScaledObject', 'reservation-worker');
    reservation.spec.triggers[0].metadata.query = 'max(sid_queue_depth{queue="code-reservations"})';
    reservation.spec.triggers[0].metadata.threshold = 5;
    reservation.spec.minReplicas = 1;
    docs.push(hpa('reservation-worker'));
    expect(validator.checkKubernetes(docs).sort()).toEqual(
      [
        'ScaledObject/export-worker: scaleTargetRef Deployment/exporter does not exist',
        'ScaledObject/reservation-worker: HorizontalPodAutoscaler/reservation-worker also scales reservation-worker',
        'ScaledObject/reservation-worker: schema: spec.minReplicas: unknown field',
        'ScaledObject/reservation-worker: schema: spec.triggers[0].metadata.threshold: must be string',
        'ScaledObject/reservation-worker: trigger 0 (prometheus): query reads queue "code-reservations", which does not exist',
        'ScaledObject/reservation-worker: trigger 0 (prometheus): query reads sid_queue_depth, which no app publishes',
        'platform: generator-worker needs minReplicaCount >= 1',
        'platform: no ScaledObject (or HorizontalPodAutoscaler) for export-worker',
      ].sort(),
    );
  });

  it('reports containers without resources, hardening or a pinned image', () => {
    const docs = platform();
    const c = firstContainer(find(docs, 'Deployment', 'reservation-worker'));
    c.image = 'sid/reservation-worker';
    delete c.resources.limits.memory;
    c.securityContext = {};
    expect(validator.checkKubernetes(docs)).toEqual(
      expect.arrayContaining([
        'Deployment/reservation-worker: container reservation-worker: image "sid/reservation-worker" has no tag (means latest)',
        'Deployment/reservation-worker: container reservation-worker: no resources.limits.memory',
        'Deployment/reservation-worker: container reservation-worker: allowPrivilegeEscalation must be false',
        'Deployment/reservation-worker: container reservation-worker: readOnlyRootFilesystem must be true',
        'Deployment/reservation-worker: container reservation-worker: capabilities must drop ALL',
      ]),
    );
  });

  it('accepts a missing Secret only when it is declared external', () => {
    const docs = platform().filter((d) => d.kind !== 'Secret');
    expect(validator.checkKubernetes(docs)).toContain(
      'Deployment/api-gateway: container api-gateway: refers to missing Secret sid-secrets',
    );
    expect(validator.checkKubernetes(docs, { externalSecrets: ['sid-secrets'] })).toEqual([]);
  });

  it('holds workers to their grace period, memory limit and health port', () => {
    const docs = platform();
    const worker = find(docs, 'Deployment', 'generator-worker');
    worker.spec.template.spec.terminationGracePeriodSeconds = 30;
    firstContainer(worker).resources.limits.memory = '1Gi';
    firstContainer(worker).env = [{ name: 'HEALTH_PORT', value: '3001' }];
    expect(validator.checkKubernetes(docs)).toEqual([
      'platform: generator-worker probes port 3000 but its HEALTH_PORT env is 3001',
      'platform: generator-worker needs terminationGracePeriodSeconds >= 60 to finish its chunk',
      'platform: generator-worker memory limit must be <= 512Mi',
    ]);
  });

  it('wants migrations in a Job, never in a Deployment', () => {
    const docs = platform().filter((d) => d.kind !== 'Job');
    firstContainer(find(docs, 'Deployment', 'api-gateway')).args = ['migrate'];
    expect(validator.checkKubernetes(docs)).toEqual([
      'platform: no Job runs the database migrations',
      'platform: Deployment api-gateway must not run migrations',
    ]);
  });

  it('checks namespaces and setting names', () => {
    const docs = platform();
    find(docs, 'ConfigMap', 'sid-config').metadata.namespace = 'sid';
    const knownEnv = new Set(['ADMIN_TOKEN', 'HEALTH_PORT']);
    expect(validator.checkKubernetes(docs, { namespace: null, knownEnv })).toEqual([
      'ConfigMap/sid-config: a base must not set a namespace',
      'ConfigMap/sid-config: key LOG_LEVEL is not a setting the apps read',
    ]);
    expect(validator.checkKubernetes(docs, { namespace: 'sid' })).toContain(
      'Secret/sid-secrets: not in namespace "sid"',
    );
  });
});

describe('checkCompose', () => {
  const healthcheck = { test: ['CMD', 'true'] };
  function compose(): Doc {
    const app = {
      image: 'sid/app:local',
      depends_on: { postgres: { condition: 'service_healthy' } },
    };
    return {
      services: {
        postgres: { image: 'postgres:15', healthcheck, volumes: ['pg:/var/lib/postgresql/data'] },
        redis: { image: 'redis:7', healthcheck },
        minio: { image: 'minio/minio:RELEASE.2024-10-29T16-01-48Z' },
        createbucket: {
          image: 'minio/mc:RELEASE.2024-10-29T15-34-59Z',
          depends_on: ['minio'],
          restart: 'no',
        },
        migrate: { ...app },
        'api-gateway': {
          ...app,
          depends_on: { migrate: { condition: 'service_completed_successfully' } },
        },
        ...Object.fromEntries(WORKERS.map((w) => [w, { ...app, deploy: { replicas: 2 } }])),
      },
      volumes: { pg: null },
    };
  }
  const options = { composeDir: '/nonexistent', appNames: ['api-gateway'] };

  it('accepts a complete file', () => {
    expect(validator.checkCompose(compose(), options)).toEqual([]);
  });

  it('reports broken dependencies, images, volumes and replicas', () => {
    const doc = compose();
    doc.services.migrate.depends_on = { database: { condition: 'service_healthy' } };
    doc.services['api-gateway'].depends_on = { minio: { condition: 'service_healthy' } };
    doc.services.redis = { image: 'redis' };
    doc.services.postgres.volumes = [
      'pgdata:/var/lib/postgresql/data',
      './init:/docker-entrypoint-initdb.d',
    ];
    doc.services['export-worker'].deploy.replicas = 1;
    delete doc.services.minio.image;
    expect(validator.checkCompose(doc, options)).toEqual([
      'compose service postgres: uses undeclared volume pgdata',
      'compose service redis: image "redis" has no tag (means latest)',
      'compose service minio: has neither image nor build',
      'compose service migrate: depends on unknown service database',
      'compose service api-gateway: waits for minio to be healthy, but minio has no healthcheck',
      'compose service export-worker: needs deploy.replicas >= 2',
      'compose service redis: needs a healthcheck',
    ]);
  });

  it('reports a one-shot dependency that never completes and a missing service', () => {
    const doc = compose();
    doc.services.migrate.restart = 'unless-stopped';
    delete doc.services['reservation-worker'];
    expect(validator.checkCompose(doc, options)).toEqual([
      'compose service api-gateway: waits for migrate to complete, but migrate restarts forever',
      'compose: no service reservation-worker',
    ]);
  });

  it('reports a build of an unknown app and env names the apps do not read', () => {
    const doc = compose();
    doc.services.migrate = {
      build: { context: '/nonexistent', args: { APP: 'api-gateway' } },
      environment: { DATABASE_URL: 'postgres://x', DATABSE_POOL: '3' },
    };
    doc.services['api-gateway'] = { build: { context: '/nonexistent', args: { APP: 'gateway' } } };
    expect(
      validator.checkCompose(doc, { ...options, knownEnv: new Set(['DATABASE_URL']) }),
    ).toEqual([
      'compose service migrate: build context /nonexistent does not exist',
      'compose service migrate: env DATABSE_POOL is not a setting the apps read',
      'compose service api-gateway: build context /nonexistent does not exist',
      'compose service api-gateway: build arg APP=gateway is not one of api-gateway',
    ]);
  });
});

describe('checkDockerfile', () => {
  const good = [
    '# comment',
    'ARG NODE_IMAGE=node:20-bookworm-slim',
    'FROM ${NODE_IMAGE} AS deps',
    'RUN npm ci',
    'FROM ${NODE_IMAGE} AS prod-deps',
    'RUN npm ci \\',
    '    --omit=dev',
    'FROM ${NODE_IMAGE} AS runtime',
    'ENV NODE_ENV=production',
    'COPY --from=prod-deps /app/node_modules ./node_modules',
    'ARG APP',
    'ENV APP=${APP}',
    'USER 1000:1000',
    'CMD ["/bin/sh", "-c", "exec node dist/apps/${APP}/src/main.js"]',
  ];
  const edit = (from: string, to: string) =>
    good.map((line) => (line === from ? to : line)).join('\n');

  it('accepts a multi-stage file with a continued line', () => {
    expect(validator.checkDockerfile(good.join('\n'))).toEqual([]);
  });

  it('reports latest images, unknown stages and instructions', () => {
    const text = edit('ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node:latest')
      .replace('--from=prod-deps', '--from=prod')
      .replace('RUN npm ci\n', 'RUNN npm ci\n');
    expect(validator.checkDockerfile(text)).toEqual([
      'Dockerfile line 3: image "node:latest" uses the latest tag',
      'Dockerfile line 4: unknown instruction RUNN',
      'Dockerfile line 5: image "node:latest" uses the latest tag',
      'Dockerfile line 8: image "node:latest" uses the latest tag',
      'Dockerfile line 10: COPY --from=prod names no earlier stage',
    ]);
  });

  it('wants ARG APP used, a non-root user, production mode and production-only dependencies', () => {
    const text = edit('ENV APP=${APP}', 'ENV A=b')
      .replace(
        'CMD ["/bin/sh", "-c", "exec node dist/apps/${APP}/src/main.js"]',
        'CMD ["node", "main.js"]',
      )
      .replace('USER 1000:1000', 'USER root')
      .replace('NODE_ENV=production', 'NODE_ENV=development')
      .replace('--omit=dev', '');
    expect(validator.checkDockerfile(text)).toEqual([
      'Dockerfile final stage (line 8): never uses $APP',
      'Dockerfile final stage (line 8): runs as root (USER root)',
      'Dockerfile final stage (line 8): does not set NODE_ENV=production',
      'Dockerfile: no stage installs production dependencies only (npm ci --omit=dev)',
    ]);
    expect(validator.checkDockerfile(edit('ARG APP', 'ARG OTHER'))).toEqual([
      'Dockerfile final stage (line 8): does not declare ARG APP',
    ]);
  });
});

describe('helpers', () => {
  it.each([
    ['node:20-bookworm-slim', null],
    [
      'registry.example.com:5000/sid/api',
      'image "registry.example.com:5000/sid/api" has no tag (means latest)',
    ],
    ['redis:latest', 'image "redis:latest" uses the latest tag'],
    ['redis@sha256:abc', null],
    ['', 'has no image'],
  ])('imageTagProblem(%j)', (image, expected) => {
    expect(validator.imageTagProblem(image)).toBe(expected);
  });

  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['500M', 5e8],
    ['1024', 1024],
  ])('memoryBytes(%j)', (quantity, bytes) => {
    expect(validator.memoryBytes(quantity)).toBe(bytes);
  });

  it('memoryBytes does not read garbage', () => {
    expect(validator.memoryBytes('lots')).toBeNaN();
  });
});
