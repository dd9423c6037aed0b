#!/usr/bin/env node
// Offline checks of the deployment files: the kustomize output of k8s/base and of every
// k8s/overlays/*, docker/docker-compose.yml, docker/Dockerfile and .dockerignore.
// Structural and project rules (references resolve, selectors match, probes, security context,
// resources, env names known to AppConfig...). If the npm package `kubernetes-models` can be
// resolved (from the repo or from KUBERNETES_MODELS_PATH=<dir holding node_modules>), every
// Kubernetes object is also validated against the official JSON schemas it bundles.
// Custom resources (KEDA ScaledObject, Prometheus Operator PodMonitor/PrometheusRule) and the
// Grafana dashboard are checked by ./custom-resources.js against the schemas in ./schemas.
// Exits non-zero on any problem. Needs kubectl (for `kubectl kustomize`) and js-yaml.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS Node script */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { checkCustomResources, crdSchemaFor } = require('./custom-resources');

const root = path.resolve(__dirname, '..', '..');
const WORKERS = ['generator-worker', 'reservation-worker', 'export-worker'];
const GATEWAY = 'api-gateway';
const COMPOSE_SERVICES = [
  'postgres',
  'redis',
  'minio',
  'createbucket',
  'migrate',
  GATEWAY,
  ...WORKERS,
];
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const CLUSTER_SCOPED = [
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
];
const DOCKERFILE_INSTRUCTIONS = new Set(
  'FROM RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL MAINTAINER'.split(
    ' ',
  ),
);

// ---------------------------------------------------------------------------- small helpers
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const entries = (v) => (isObject(v) ? Object.entries(v) : []);
const matchesLabels = (selector, labels) =>
  entries(selector).length > 0 &&
  entries(selector).every(([k, v]) => isObject(labels) && labels[k] === v);

/** Problem for an image reference without an explicit tag or digest, or with `latest`. */
function imageTagProblem(image) {
  if (typeof image !== 'string' || image.trim() === '') return 'has no image';
  if (image.includes('@sha256:')) return null;
  const lastSegment = image.split('/').pop();
  if (!lastSegment.includes(':')) return `image "${image}" has no tag (means latest)`;
  if (lastSegment.endsWith(':latest')) return `image "${image}" uses the latest tag`;
  return null;
}

/** Kubernetes memory quantity to bytes (NaN if unreadable). */
function memoryBytes(quantity) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/.exec(String(quantity));
  if (!m) return NaN;
  const unit = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

function podSpecOf(doc) {
  if (doc.kind === 'CronJob') return doc.spec?.jobTemplate?.spec?.template?.spec;
  return doc.spec?.template?.spec;
}
function podLabelsOf(doc) {
  if (doc.kind === 'CronJob') return doc.spec?.jobTemplate?.spec?.template?.metadata?.labels;
  return doc.spec?.template?.metadata?.labels;
}

// ---------------------------------------------------------------------------- Kubernetes
/**
 * @param docs objects of one kustomize build
 * @param options.namespace null: the objects must carry no namespace (a base); a string: every
 *   namespaced object must be in it; undefined: not checked
 * @param options.externalSecrets names of Secrets created outside these manifests
 * @param options.knownEnv names the apps read (AppConfig); undefined: not checked
 * @returns list of problems, each a string
 */
function checkKubernetes(docs, options = {}) {
  const problems = [];
  const externalSecrets = new Set(options.externalSecrets ?? []);
  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  const workloads = docs.filter((d) => WORKLOAD_KINDS.includes(d.kind));
  const seen = new Set();

  for (const [i, doc] of docs.entries()) {
    const where = `${doc?.kind ?? '?'}/${doc?.metadata?.name ?? `#${i}`}`;
    const fail = (message) => problems.push(`${where}: ${message}`);
    if (!isObject(doc)) {
      problems.push(`document #${i} is not an object`);
      continue;
    }
    for (const field of ['apiVersion', 'kind'])
      if (typeof doc[field] !== 'string') fail(`missing ${field}`);
    if (typeof doc.metadata?.name !== 'string' || doc.metadata.name === '')
      fail('missing metadata.name');
    const key = `${doc.kind}/${doc.metadata?.namespace ?? ''}/${doc.metadata?.name}`;
    if (seen.has(key)) fail('defined twice');
    seen.add(key);
    if (options.namespace === null && doc.metadata?.namespace)
      fail('a base must not set a namespace');
    if (typeof options.namespace === 'string' && !CLUSTER_SCOPED.includes(doc.kind)) {
      if (doc.metadata?.namespace !== options.namespace)
        fail(`not in namespace "${options.namespace}"`);
    }
    if (WORKLOAD_KINDS.includes(doc.kind)) checkWorkload(doc, docs, externalSecrets, options, fail);
    if (doc.kind === 'Service') checkService(doc, workloads, fail);
    if (doc.kind === 'HorizontalPodAutoscaler') checkHpa(doc, docs, fail);
    if (doc.kind === 'PodDisruptionBudget') {
      const selector = doc.spec?.selector?.matchLabels;
      if (!workloads.some((w) => matchesLabels(selector, podLabelsOf(w))))
        fail('selects no pod template');
    }
    if (options.knownEnv && isEnvSource(doc, workloads)) {
      for (const name of Object.keys({ ...doc.data, ...doc.stringData })) {
        if (!options.knownEnv.has(name)) fail(`key ${name} is not a setting the apps read`);
      }
    }
  }

  checkPlatformRules(docs, byKind, problems);
  problems.push(...checkCustomResources(docs));
  return problems;
}

/** A ConfigMap or Secret some workload reads its environment from (envFrom). */
function isEnvSource(doc, workloads) {
  if (doc.kind !== 'ConfigMap' && doc.kind !== 'Secret') return false;
  const refKey = doc.kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  return workloads.some((w) =>
    (podSpecOf(w)?.containers ?? []).some((c) =>
      (c.envFrom ?? []).some((e) => e[refKey]?.name === doc.metadata?.name),
    ),
  );
}

function checkWorkload(doc, docs, externalSecrets, options, fail) {
  const pod = podSpecOf(doc);
  if (!isObject(pod)) return fail('has no pod template');
  const containers = pod.containers ?? [];
  if (containers.length === 0) fail('has no containers');
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  const podNonRoot = pod.securityContext?.runAsNonRoot === true;

  if (doc.kind === 'Deployment' || doc.kind === 'StatefulSet' || doc.kind === 'DaemonSet') {
    const selector = doc.spec?.selector?.matchLabels;
    if (!matchesLabels(selector, podLabelsOf(doc)))
      fail('spec.selector does not match the pod template labels');
  }
  if (doc.kind === 'Job' && !['Never', 'OnFailure'].includes(pod.restartPolicy)) {
    fail('a Job needs restartPolicy Never or OnFailure');
  }

  for (const c of [...(pod.initContainers ?? []), ...containers]) {
    const at = (message) => fail(`container ${c.name ?? '?'}: ${message}`);
    const tagProblem = imageTagProblem(c.image);
    if (tagProblem) at(tagProblem);
    for (const [kind, names] of [
      ['requests', ['cpu', 'memory']],
      ['limits', ['cpu', 'memory']],
    ]) {
      for (const name of names)
        if (c.resources?.[kind]?.[name] === undefined) at(`no resources.${kind}.${name}`);
    }
    const sc = c.securityContext ?? {};
    if (!podNonRoot && sc.runAsNonRoot !== true) at('runAsNonRoot is not set (pod or container)');
    if (sc.allowPrivilegeEscalation !== false) at('allowPrivilegeEscalation must be false');
    if (sc.readOnlyRootFilesystem !== true) at('readOnlyRootFilesystem must be true');
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) at('capabilities must drop ALL');
    for (const m of c.volumeMounts ?? [])
      if (!volumes.has(m.name)) at(`mounts undefined volume ${m.name}`);

    const refs = [
      ...(c.envFrom ?? []).map((e) => [
        'ConfigMap',
        e.configMapRef?.name,
        e.configMapRef?.optional,
      ]),
      ...(c.envFrom ?? []).map((e) => ['Secret', e.secretRef?.name, e.secretRef?.optional]),
      ...(c.env ?? []).map((e) => [
        'ConfigMap',
        e.valueFrom?.configMapKeyRef?.name,
        e.valueFrom?.configMapKeyRef?.optional,
      ]),
      ...(c.env ?? []).map((e) => [
        'Secret',
        e.valueFrom?.secretKeyRef?.name,
        e.valueFrom?.secretKeyRef?.optional,
      ]),
    ].filter(([, name, optional]) => name && !optional);
    for (const [kind, name] of refs) {
      const found = docs.some((d) => d.kind === kind && d.metadata?.name === name);
      if (!found && !(kind === 'Secret' && externalSecrets.has(name)))
        at(`refers to missing ${kind} ${name}`);
    }
    if (options.knownEnv) {
      for (const e of c.env ?? [])
        if (!options.knownEnv.has(e.name)) at(`env ${e.name} is not a setting the apps read`);
    }

    if (doc.kind === 'Deployment') {
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        if (!c[probe]) at(`no ${probe}`);
      }
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (typeof port === 'string' && !(c.ports ?? []).some((p) => p.name === port)) {
          at(`${probe} uses port "${port}" that the container does not declare`);
        }
      }
    }
  }
}

function checkService(doc, workloads, fail) {
  const selector = doc.spec?.selector;
  if (entries(selector).length === 0) return fail('has no selector');
  const targets = workloads.filter((w) => matchesLabels(selector, podLabelsOf(w)));
  if (targets.length === 0) return fail('selects no pod template');
  const portNames = new Set(
    targets.flatMap((w) =>
      (podSpecOf(w).containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name)),
    ),
  );
  for (const p of doc.spec?.ports ?? []) {
    if (typeof p.targetPort === 'string' && !portNames.has(p.targetPort)) {
      fail(`targetPort "${p.targetPort}" is not a port of the selected pods`);
    }
  }
}

function checkHpa(doc, docs, fail) {
  const ref = doc.spec?.scaleTargetRef ?? {};
  const target = docs.find((d) => d.kind === ref.kind && d.metadata?.name === ref.name);
  if (!target) return fail(`scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
  if (doc.apiVersion !== 'autoscaling/v2') fail('use autoscaling/v2');
  const min = doc.spec?.minReplicas ?? 1;
  if (!(min >= 1 && min <= doc.spec?.maxReplicas)) fail('needs 1 <= minReplicas <= maxReplicas');
  if (target.spec?.replicas !== undefined) {
    fail(
      `its target ${ref.name} sets spec.replicas, which every apply would reset under the autoscaler`,
    );
  }
}

/** What this platform needs of its manifests, beyond generic Kubernetes sense. */
function checkPlatformRules(docs, byKind, problems) {
  const deployment = (name) => byKind('Deployment').find((d) => d.metadata?.name === name);
  const main = (d) => podSpecOf(d)?.containers?.[0] ?? {};
  const fail = (message) => problems.push(`platform: ${message}`);

  const gateway = deployment(GATEWAY);
  if (!gateway) fail(`no Deployment ${GATEWAY}`);
  else {
    const c = main(gateway);
    if (c.readinessProbe?.httpGet?.path !== '/server/health')
      fail(`${GATEWAY} readiness must be GET /server/health`);
    if (c.livenessProbe?.httpGet?.path !== '/server/ping')
      fail(`${GATEWAY} liveness must be GET /server/ping`);
    if (!byKind('Service').some((s) => matchesLabels(s.spec?.selector, podLabelsOf(gateway)))) {
      fail(`no Service selects ${GATEWAY}`);
    }
  }

  for (const name of WORKERS) {
    const worker = deployment(name);
    if (!worker) {
      fail(`no Deployment ${name}`);
      continue;
    }
    const c = main(worker);
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      if (c[probe]?.httpGet?.path !== '/health') fail(`${name} ${probe} must be GET /health`);
    }
    const probePort = c.livenessProbe?.httpGet?.port;
    const portNumber =
      typeof probePort === 'number'
        ? probePort
        : (c.ports ?? []).find((p) => p.name === probePort)?.containerPort;
    const healthPort = (c.env ?? []).find((e) => e.name === 'HEALTH_PORT')?.value;
    if (String(portNumber) !== String(healthPort)) {
      fail(`${name} probes port ${portNumber} but its HEALTH_PORT env is ${healthPort ?? 'unset'}`);
    }
    if (!(podSpecOf(worker).terminationGracePeriodSeconds >= 60)) {
      fail(`${name} needs terminationGracePeriodSeconds >= 60 to finish its chunk`);
    }
    if (!(memoryBytes(c.resources?.limits?.memory) <= 512 * 2 ** 20))
      fail(`${name} memory limit must be <= 512Mi`);
    const hpa = byKind('HorizontalPodAutoscaler').find(
      (h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec?.scaleTargetRef?.name === name,
    );
    const scaled = byKind('ScaledObject').find((o) => o.spec?.scaleTargetRef?.name === name);
    if (!hpa && !scaled) fail(`no ScaledObject (or HorizontalPodAutoscaler) for ${name}`);
    // Only the export worker may scale to zero: the others run the pool checks and the recovery
    // sweeps that find work Redis lost.
    if (scaled && name !== 'export-worker' && !((scaled.spec?.minReplicaCount ?? 0) >= 1))
      fail(`${name} needs minReplicaCount >= 1`);
    if (
      !byKind('PodDisruptionBudget').some((p) =>
        matchesLabels(p.spec?.selector?.matchLabels, podLabelsOf(worker)),
      )
    ) {
      fail(`no PodDisruptionBudget for ${name}`);
    }
  }

  const commandOf = (c) => [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  const migrates = (d) =>
    (podSpecOf(d)?.containers ?? []).some((c) => commandOf(c).includes('migrate'));
  if (!byKind('Job').some(migrates)) fail('no Job runs the database migrations');
  for (const d of byKind('Deployment'))
    if (migrates(d)) fail(`Deployment ${d.metadata.name} must not run migrations`);
}

// ---------------------------------------------------------------------------- docker compose
/**
 * @param doc parsed docker-compose.yml
 * @param options.composeDir folder of the compose file (build contexts are relative to it)
 * @param options.appNames apps the Dockerfile can build (APP build argument)
 * @param options.knownEnv names the apps read (AppConfig); undefined: not checked
 */
function checkCompose(doc, options) {
  const problems = [];
  if (!isObject(doc) || !isObject(doc.services) || entries(doc.services).length === 0) {
    return ['compose: no services'];
  }
  const services = doc.services;
  const namedVolumes = new Set(Object.keys(doc.volumes ?? {}));
  const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];

  for (const [name, svc] of entries(services)) {
    const fail = (message) => problems.push(`compose service ${name}: ${message}`);
    if (!isObject(svc)) {
      fail('is not a mapping');
      continue;
    }
    if (!svc.image && !svc.build) fail('has neither image nor build');
    if (svc.image) {
      const tagProblem = imageTagProblem(String(svc.image).replace(/\$\{[^}]*:-([^}]*)\}/g, '$1'));
      if (tagProblem) fail(tagProblem);
    }
    if (svc.build) {
      const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
      const context = path.resolve(options.composeDir, build.context ?? '.');
      const dockerfile = path.resolve(context, build.dockerfile ?? 'Dockerfile');
      if (!fs.existsSync(context)) fail(`build context ${build.context} does not exist`);
      else if (!fs.existsSync(dockerfile))
        fail(`Dockerfile ${build.dockerfile ?? 'Dockerfile'} does not exist`);
      const app = build.args?.APP;
      if (!options.appNames.includes(app))
        fail(`build arg APP=${app} is not one of ${options.appNames.join(', ')}`);
      if (options.knownEnv) {
        const names = Array.isArray(svc.environment)
          ? svc.environment.map((e) => String(e).split('=')[0])
          : Object.keys(svc.environment ?? {});
        for (const env of names)
          if (!options.knownEnv.has(env)) fail(`env ${env} is not a setting the apps read`);
      }
    }
    const dependsOn = Array.isArray(svc.depends_on)
      ? Object.fromEntries(svc.depends_on.map((d) => [d, { condition: 'service_started' }]))
      : (svc.depends_on ?? {});
    for (const [target, spec] of entries(dependsOn)) {
      if (!services[target]) {
        fail(`depends on unknown service ${target}`);
        continue;
      }
      const condition = spec?.condition ?? 'service_started';
      if (!conditions.includes(condition)) fail(`unknown depends_on condition ${condition}`);
      if (condition === 'service_healthy' && !services[target].healthcheck) {
        fail(`waits for ${target} to be healthy, but ${target} has no healthcheck`);
      }
      if (
        condition === 'service_completed_successfully' &&
        ['always', 'unless-stopped'].includes(services[target].restart)
      ) {
        fail(`waits for ${target} to complete, but ${target} restarts forever`);
      }
    }
    for (const volume of svc.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume?.source;
      const isPath = typeof source === 'string' && /^[./~$]/.test(source);
      if (source && !isPath && !namedVolumes.has(source)) fail(`uses undeclared volume ${source}`);
    }
  }

  for (const name of COMPOSE_SERVICES)
    if (!services[name]) problems.push(`compose: no service ${name}`);
  for (const name of WORKERS) {
    if (services[name] && !(services[name].deploy?.replicas >= 2)) {
      problems.push(`compose service ${name}: needs deploy.replicas >= 2`);
    }
  }
  for (const name of ['postgres', 'redis']) {
    if (services[name] && !services[name].healthcheck)
      problems.push(`compose service ${name}: needs a healthcheck`);
  }
  return problems;
}

// ---------------------------------------------------------------------------- Dockerfile
/** Logical instructions of a Dockerfile: continuations joined, comments and blank lines dropped. */
function parseDockerfile(text) {
  const instructions = [];
  let current = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !current)) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    if (current) current.text += ` ${body}`;
    else current = { line: index + 1, text: body };
    if (!continued) {
      const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(current.text.trim()) ?? [];
      instructions.push({
        line: current.line,
        keyword: (keyword ?? '').toUpperCase(),
        args: (args ?? '').trim(),
      });
      current = null;
    }
  });
  return instructions;
}

/** @returns list of problems of a Dockerfile meant to build any app with `--build-arg APP=`. */
function checkDockerfile(text) {
  const problems = [];
  const instructions = parseDockerfile(text);
  const globalArgs = {};
  const stages = [];
  for (const ins of instructions) {
    const fail = (message) => problems.push(`Dockerfile line ${ins.line}: ${message}`);
    if (!DOCKERFILE_INSTRUCTIONS.has(ins.keyword)) fail(`unknown instruction ${ins.keyword}`);
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = ins.args.split('=');
      globalArgs[name] = value;
      continue;
    }
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = words[0]?.replace(/\$\{?(\w+)\}?/g, (_, name) => globalArgs[name] ?? '');
      const alias = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      const fromStage = stages.some((s) => s.alias === image);
      if (!image) fail('FROM without an image');
      else if (!fromStage && image !== 'scratch') {
        const tagProblem = imageTagProblem(image);
        if (tagProblem) fail(tagProblem);
      }
      stages.push({ alias, line: ins.line, instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      fail(`${ins.keyword} before the first FROM`);
      continue;
    }
    const stage = stages[stages.length - 1];
    stage.instructions.push(ins);
    const from = /--from=(\S+)/.exec(ins.args)?.[1];
    if (ins.keyword === 'COPY' && from) {
      const known = stages.slice(0, -1).some((s, i) => s.alias === from || String(i) === from);
      if (!known) fail(`COPY --from=${from} names no earlier stage`);
    }
  }
  if (stages.length === 0) return ['Dockerfile: no FROM'];

  const final = stages[stages.length - 1];
  const finalFail = (message) =>
    problems.push(`Dockerfile final stage (line ${final.line}): ${message}`);
  const of = (keyword) => final.instructions.filter((i) => i.keyword === keyword);
  const argApp = final.instructions.findIndex(
    (i) => i.keyword === 'ARG' && /^APP(=|$)/.test(i.args),
  );
  if (argApp < 0) finalFail('does not declare ARG APP');
  else if (!final.instructions.slice(argApp + 1).some((i) => /\$\{?APP\b/.test(i.args)))
    finalFail('never uses $APP');
  if (of('CMD').length + of('ENTRYPOINT').length === 0) finalFail('has no CMD or ENTRYPOINT');
  const user = of('USER').pop()?.args;
  if (!user) finalFail('runs as root (no USER)');
  else if (/^(root|0)(:|$)/.test(user)) finalFail(`runs as root (USER ${user})`);
  if (!of('ENV').some((i) => /\bNODE_ENV=production\b/.test(i.args)))
    finalFail('does not set NODE_ENV=production');
  const runs = stages.flatMap((s) =>
    s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args),
  );
  if (!runs.some((r) => /npm ci\b.*--omit=dev/.test(r))) {
    problems.push('Dockerfile: no stage installs production dependencies only (npm ci --omit=dev)');
  }
  return problems;
}

// ---------------------------------------------------------------------------- inputs
function yamlLoader() {
  const yaml = require('js-yaml');
  // js-yaml 3 and 4: loadAll(text, undefined, options) returns the documents; the safe schema
  // (with merge keys) is DEFAULT_SAFE_SCHEMA in 3 and DEFAULT_SCHEMA in 4.
  const options = { schema: yaml.DEFAULT_SAFE_SCHEMA ?? yaml.DEFAULT_SCHEMA };
  return (text) =>
    yaml.loadAll(text, undefined, options).filter((d) => d !== null && d !== undefined);
}

/** Names of the settings AppConfig reads (null if the class cannot be found). */
function readKnownEnv() {
  const file = path.join(root, 'libs/shared/config/src/app.config.ts');
  if (!fs.existsSync(file)) return null;
  const source = fs.readFileSync(file, 'utf8');
  const names = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+)\??\s*[=:;]/gm)].map((m) => m[1]);
  if (names.length < 5) return null;
  return new Set([...names, 'NODE_OPTIONS']);
}

function kustomize(dir) {
  return execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Validates against the JSON schemas of the `kubernetes-models` package, if it can be found. */
function schemaValidator() {
  const paths = [root, process.env.KUBERNETES_MODELS_PATH].filter(Boolean);
  let base;
  try {
    base = path.dirname(require.resolve('kubernetes-models/package.json', { paths }));
  } catch {
    return null;
  }
  return (doc) => {
    const [group, version] = doc.apiVersion.includes('/')
      ? doc.apiVersion.split('/')
      : [null, doc.apiVersion];
    const file = path.join(base, ...(group ? [group] : []), version, `${doc.kind}.js`);
    if (!fs.existsSync(file)) return `no schema for ${doc.apiVersion} ${doc.kind}`;
    try {
      new (require(file)[doc.kind])(doc).validate();
      return null;
    } catch (err) {
      return err.message;
    }
  };
}

function main() {
  const problems = [];
  const notes = [];
  const load = yamlLoader();
  const knownEnv = readKnownEnv();
  if (!knownEnv)
    notes.push('env names not checked: libs/shared/config/src/app.config.ts not readable');
  const validate = schemaValidator();
  notes.push(
    validate
      ? 'Kubernetes objects validated against the kubernetes-models JSON schemas'
      : 'JSON-schema validation skipped (kubernetes-models not found; set KUBERNETES_MODELS_PATH)',
  );

  const overlaysDir = path.join(root, 'k8s/overlays');
  const overlays = fs.existsSync(overlaysDir)
    ? fs
        .readdirSync(overlaysDir)
        .filter((d) => fs.existsSync(path.join(overlaysDir, d, 'kustomization.yaml')))
    : [];
  let baseSecrets = [];
  for (const target of ['k8s/base', ...overlays.map((o) => `k8s/overlays/${o}`)]) {
    let docs;
    try {
      docs = load(kustomize(path.join(root, target)));
    } catch (err) {
      problems.push(
        `${target}: kubectl kustomize failed: ${String(err.stderr || err.message).trim()}`,
      );
      continue;
    }
    const isBase = target === 'k8s/base';
    if (isBase) baseSecrets = docs.filter((d) => d.kind === 'Secret').map((d) => d.metadata.name);
    // An overlay may drop the Secret template of the base and expect the real one in the cluster.
    const namespaces = docs.filter((d) => d.kind === 'Namespace').map((d) => d.metadata?.name);
    const found = checkKubernetes(docs, {
      namespace: isBase ? null : namespaces.length === 1 ? namespaces[0] : undefined,
      externalSecrets: isBase ? [] : baseSecrets,
      knownEnv: knownEnv ?? undefined,
    });
    if (validate)
      for (const d of docs.filter((doc) => !crdSchemaFor(doc))) {
        const error = validate(d);
        if (error) found.push(`${d.kind}/${d.metadata?.name}: schema: ${error}`);
      }
    problems.push(...found.map((p) => `${target}: ${p}`));
    notes.push(`${target}: ${docs.length} objects`);
  }

  const composeFile = path.join(root, 'docker/docker-compose.yml');
  const appNames = fs
    .readdirSync(path.join(root, 'apps'))
    .filter((d) => !d.endsWith('-e2e') && fs.statSync(path.join(root, 'apps', d)).isDirectory());
  try {
    const [compose] = load(fs.readFileSync(composeFile, 'utf8'));
    problems.push(
      ...checkCompose(compose, {
        composeDir: path.dirname(composeFile),
        appNames,
        knownEnv: knownEnv ?? undefined,
      }),
    );
    notes.push(
      `docker/docker-compose.yml: ${Object.keys(compose?.services ?? {}).length} services`,
    );
  } catch (err) {
    problems.push(`docker/docker-compose.yml: ${err.message}`);
  }

  problems.push(...checkDockerfile(fs.readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8')));
  const ignoreFile = path.join(root, '.dockerignore');
  const ignored = fs.existsSync(ignoreFile)
    ? fs.readFileSync(ignoreFile, 'utf8').split(/\r?\n/)
    : [];
  for (const entry of ['node_modules', 'dist']) {
    if (!ignored.some((l) => l.trim().replace(/^\*\*\//, '') === entry))
      problems.push(`.dockerignore: ${entry} not ignored`);
  }

  for (const note of notes) console.log(`  ${note}`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`✗ ${p}`);
    console.error(`validate-manifests: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log('validate-manifests: OK');
}

module.exports = {
  checkKubernetes,
  checkCompose,
  checkDockerfile,
  parseDockerfile,
  imageTagProblem,
  memoryBytes,
};

if (require.main === module) main();
