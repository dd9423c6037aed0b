// Checks of the custom resources in k8s/ (KEDA ScaledObjects, Prometheus Operator PodMonitors and
// PrometheusRules) and of the Grafana dashboard, offline: against the schemas checked in under
// tools/ci/schemas/, and against what the platform really publishes (every `sid_*` metric an
// alert, a scaler or a panel reads must be defined in libs/shared/observability; every queue a
// scaler reads must be a queue of libs/shared/queue).
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS Node script */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const SCHEMA_DIR = path.join(__dirname, 'schemas');
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ------------------------------------------------------------------ JSON Schema (a small subset)
/** Problems of `value` against `schema` (see tools/ci/schemas/README.md for the keywords). */
function validateSchema(value, schema, at = '', rootSchema = schema) {
  if (schema.$ref) {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((s, key) => s?.[key], rootSchema);
    return validateSchema(value, target, at, rootSchema);
  }
  const where = at || '(root)';
  if (schema.anyOf) {
    const ok = schema.anyOf.some((s) => validateSchema(value, s, at, rootSchema).length === 0);
    return ok ? [] : [`${where}: matches none of the allowed forms`];
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return [`${where}: must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`];
  }
  const types = {
    object: isObject,
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    integer: Number.isInteger,
    number: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
  };
  if (schema.type && !types[schema.type](value)) return [`${where}: must be ${schema.type}`];
  const problems = [];
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      problems.push(`${where}: "${value}" does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${where}: too short`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${where}: must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${where}: must be <= ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      problems.push(`${where}: needs at least ${schema.minItems} item(s)`);
    if (schema.items)
      value.forEach((item, i) =>
        problems.push(...validateSchema(item, schema.items, `${at}[${i}]`, rootSchema)),
      );
  }
  if (isObject(value)) {
    for (const key of schema.required ?? [])
      if (!(key in value)) problems.push(`${at ? `${at}.` : ''}${key}: is required`);
    for (const [key, item] of Object.entries(value)) {
      const child = `${at ? `${at}.` : ''}${key}`;
      const sub = schema.properties?.[key];
      if (sub) problems.push(...validateSchema(item, sub, child, rootSchema));
      else if (schema.additionalProperties === false) problems.push(`${child}: unknown field`);
      else if (isObject(schema.additionalProperties))
        problems.push(...validateSchema(item, schema.additionalProperties, child, rootSchema));
    }
  }
  return problems;
}

/** The checked-in schema of a custom resource, or null when none is checked in for it. */
function crdSchemaFor(doc, schemaDir = SCHEMA_DIR) {
  if (typeof doc?.apiVersion !== 'string' || !doc.apiVersion.includes('/')) return null;
  const file = path.join(schemaDir, ...doc.apiVersion.split('/'), `${doc.kind}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

// ------------------------------------------------------------------ what the platform publishes
/** `sid_*` series the apps publish (histograms with their _bucket/_sum/_count). */
function readKnownMetrics() {
  const source = fs.readFileSync(
    path.join(root, 'libs/shared/observability/src/metrics.ts'),
    'utf8',
  );
  const names = new Set();
  for (const m of source.matchAll(/new (Histogram|Counter|Gauge)\(\{\s*name: '([a-z_:]+)'/g)) {
    names.add(m[2]);
    if (m[1] === 'Histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[2] + s);
  }
  return names;
}

/** The queue names of libs/shared/queue (QueueName's values). */
function readKnownQueues() {
  const source = fs.readFileSync(path.join(root, 'libs/shared/queue/src/queue-names.ts'), 'utf8');
  const block = /export enum QueueName \{([^}]*)\}/.exec(source)?.[1] ?? '';
  return new Set([...block.matchAll(/=\s*'([^']+)'/g)].map((m) => m[1]));
}

/** The `sid_*` names a PromQL expression reads that the platform does not publish. */
function unknownMetrics(expr, knownMetrics) {
  return [...new Set(String(expr).match(/\bsid_[a-zA-Z0-9_:]*/g) ?? [])].filter(
    (name) => !knownMetrics.has(name),
  );
}

// ------------------------------------------------------------------ per kind
function checkScaledObject(doc, docs, { knownMetrics, knownQueues }, fail) {
  const ref = doc.spec?.scaleTargetRef ?? {};
  const kind = ref.kind ?? 'Deployment';
  const target = docs.find((d) => d.kind === kind && d.metadata?.name === ref.name);
  if (!target) fail(`scaleTargetRef ${kind}/${ref.name} does not exist`);
  else if (target.spec?.replicas !== undefined)
    fail(`its target ${ref.name} sets spec.replicas, which every apply would reset under KEDA`);
  const min = doc.spec?.minReplicaCount ?? 0;
  const max = doc.spec?.maxReplicaCount ?? 100;
  if (!(min >= 0 && min <= max)) fail('needs 0 <= minReplicaCount <= maxReplicaCount');
  const hpa = docs.find(
    (d) => d.kind === 'HorizontalPodAutoscaler' && d.spec?.scaleTargetRef?.name === ref.name,
  );
  if (hpa) fail(`HorizontalPodAutoscaler/${hpa.metadata?.name} also scales ${ref.name}`);
  for (const [i, trigger] of (doc.spec?.triggers ?? []).entries()) {
    const at = (message) => fail(`trigger ${i} (${trigger.type}): ${message}`);
    const meta = trigger.metadata ?? {};
    if (trigger.type === 'prometheus') {
      for (const key of ['serverAddress', 'query', 'threshold'])
        if (!meta[key]) at(`needs metadata.${key}`);
      for (const name of unknownMetrics(meta.query, knownMetrics))
        at(`query reads ${name}, which no app publishes`);
      const queues = [...String(meta.query ?? '').matchAll(/queue=~?"([^"]+)"/g)].flatMap((m) =>
        m[1].split('|'),
      );
      for (const queue of queues)
        if (!knownQueues.has(queue)) at(`query reads queue "${queue}", which does not exist`);
    }
    if (trigger.type === 'redis' && meta.listName) {
      const queue = /^[^:]+:([^:]+):wait$/.exec(meta.listName)?.[1];
      if (!queue || !knownQueues.has(queue))
        at(`listName ${meta.listName} is not a BullMQ wait list of a known queue`);
    }
    if (meta.threshold !== undefined && !(Number(meta.threshold) > 0))
      at('threshold must be a number > 0');
  }
}

function checkPrometheusRule(doc, { knownMetrics }, fail) {
  for (const group of doc.spec?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      const name = rule.alert ?? rule.record ?? '?';
      const at = (message) => fail(`${group.name}/${name}: ${message}`);
      if (!rule.alert === !rule.record) at('needs exactly one of alert and record');
      for (const metric of unknownMetrics(rule.expr, knownMetrics))
        at(`expr reads ${metric}, which no app publishes`);
      if (rule.alert) {
        if (!rule.labels?.severity) at('needs a severity label');
        if (!rule.annotations?.summary) at('needs a summary annotation');
      }
    }
  }
}

/** A ConfigMap labelled grafana_dashboard: each key is a dashboard whose queries must resolve. */
function checkDashboardConfigMap(doc, { knownMetrics }, fail) {
  for (const [key, text] of Object.entries(doc.data ?? {})) {
    let dashboard;
    try {
      dashboard = JSON.parse(text);
    } catch (err) {
      fail(`${key}: not JSON: ${err.message}`);
      continue;
    }
    if (!dashboard.title || !dashboard.uid) fail(`${key}: needs a title and a uid`);
    const panels = dashboard.panels ?? [];
    if (panels.length === 0) fail(`${key}: has no panels`);
    for (const panel of panels) {
      const targets = panel.targets ?? [];
      if (targets.length === 0) fail(`${key}: panel "${panel.title}" has no query`);
      for (const target of targets)
        for (const metric of unknownMetrics(target.expr, knownMetrics))
          fail(`${key}: panel "${panel.title}" reads ${metric}, which no app publishes`);
    }
  }
}

/**
 * Problems of the custom resources and dashboards among `docs`. `knownMetrics`/`knownQueues`
 * default to what the sources define.
 */
function checkCustomResources(docs, options = {}) {
  const context = {
    knownMetrics: options.knownMetrics ?? readKnownMetrics(),
    knownQueues: options.knownQueues ?? readKnownQueues(),
  };
  const problems = [];
  for (const doc of docs) {
    if (!isObject(doc)) continue;
    const fail = (message) => problems.push(`${doc.kind}/${doc.metadata?.name}: ${message}`);
    const schema = crdSchemaFor(doc, options.schemaDir);
    if (schema) for (const p of validateSchema(doc, schema)) fail(`schema: ${p}`);
    if (doc.kind === 'ScaledObject') checkScaledObject(doc, docs, context, fail);
    if (doc.kind === 'PrometheusRule') checkPrometheusRule(doc, context, fail);
    if (doc.kind === 'ConfigMap' && doc.metadata?.labels?.grafana_dashboard)
      checkDashboardConfigMap(doc, context, fail);
  }
  return problems;
}

module.exports = {
  validateSchema,
  crdSchemaFor,
  readKnownMetrics,
  readKnownQueues,
  unknownMetrics,
  checkCustomResources,
};
