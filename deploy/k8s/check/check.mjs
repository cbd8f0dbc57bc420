// Offline check of rendered Kubernetes manifests (run by deploy/k8s/check.sh):
//
//   node check.mjs NAME=rendered.yaml [NAME=rendered.yaml ...]
//
// 1. Schema: every document is validated against the Kubernetes OpenAPI schema (kubernetes-models,
//    generated from Kubernetes' own OpenAPI document) or KEDA's CRD schema (@kubernetes-models/keda):
//    types, required fields, formats.
// 2. Strict: the same documents are type-checked as TypeScript object literals against the models'
//    declarations, which rejects unknown fields (a misspelt `terminationGracePeriodSecond` is
//    silently dropped by the API server, and by the schema above).
// 3. Policy: what this project relies on (probes on the actuator's liveness and readiness
//    endpoints, graceful shutdown time, requests and limits, non-root, a PodDisruptionBudget per
//    role, the autoscalers' targets, no secret in a ConfigMap, references that resolve).
// Prints every finding and "N passed, N failed"; exits 1 on any failure.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import yaml from "js-yaml";

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(import.meta.url);

let passed = 0;
let failed = 0;
const ok = (what) => { passed++; console.log(`    ok    ${what}`); };
const fail = (what) => { failed++; console.log(`    FAIL  ${what}`); };
const check = (condition, what) => (condition ? ok(what) : fail(what));

// apiVersion/kind → [module, exported class]
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "keda.sh") return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  return group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

const renders = process.argv.slice(2).map((arg) => {
  const [name, file] = arg.split("=");
  const docs = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d != null);
  // Kustomize wraps long base64 values over several lines; the API server's decoder skips the
  // line breaks, the schema's "byte" format does not.
  for (const doc of docs) {
    if (doc.kind === "Secret") {
      for (const key of Object.keys(doc.data ?? {})) doc.data[key] = doc.data[key].replace(/\s+/g, "");
    }
  }
  return { name, docs };
});

// --- 1. schema ------------------------------------------------------------------------------------
console.log("==> schema (Kubernetes OpenAPI and KEDA CRD schemas)");
for (const { name, docs } of renders) {
  for (const doc of docs) {
    const id = `${name}: ${doc.kind} ${doc.metadata?.name}`;
    let Model;
    try {
      const module = await import(modelPath(doc.apiVersion, doc.kind));
      Model = module[doc.kind];
    } catch {
      fail(`${id}: no schema known for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
      ok(`${id} (${doc.apiVersion})`);
    } catch (error) {
      fail(`${id}: ${error.message}`);
    }
  }
}

// --- 2. strict: unknown fields ----------------------------------------------------------------------
console.log("==> strict (no unknown fields: TypeScript excess-property check against the same models)");
{
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flashsale-k8s-strict-"));
  const lines = [];
  const owners = []; // line number → document id
  const imports = new Map();
  for (const { name, docs } of renders) {
    docs.forEach((doc, i) => {
      const type = `I${doc.kind}`;
      const module = modelPath(doc.apiVersion, doc.kind);
      const alias = `${type}_${[...imports.keys()].length}`;
      if (!imports.has(module)) imports.set(module, alias);
      const body = `const doc_${name.replace(/\W/g, "_")}_${i}: ${imports.get(module)} = ${JSON.stringify(doc, null, 2)};`;
      for (const line of body.split("\n")) {
        lines.push(line);
        owners.push(`${name}: ${doc.kind} ${doc.metadata?.name}`);
      }
    });
  }
  const header = [...imports].map(([module, alias]) => {
    const kind = module.split("/").pop();
    return `import type { I${kind} as ${alias} } from "${module}";`;
  });
  fs.writeFileSync(path.join(dir, "manifests.ts"), [...header, ...lines, "export {};"].join("\n"));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: true, module: "nodenext", moduleResolution: "nodenext",
      target: "es2022", typeRoots: [], types: [], baseUrl: here, paths: { "*": [path.join(here, "node_modules", "*")] },
    },
    files: ["manifests.ts"],
  }));
  fs.symlinkSync(path.join(here, "node_modules"), path.join(dir, "node_modules"));
  let output = "";
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir], { encoding: "utf8" });
  } catch (error) {
    output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
  }
  const errors = output.split("\n").filter((l) => /error TS\d+/.test(l));
  for (const error of errors) {
    const m = /manifests\.ts\((\d+),\d+\): (.*)/.exec(error);
    const line = m ? Number(m[1]) - header.length - 1 : -1;
    fail(`${owners[line] ?? "?"}: ${m ? m[2] : error}`);
  }
  if (errors.length === 0 && output.trim() !== "") fail(`tsc: ${output.trim()}`);
  if (output.trim() === "") ok(`${renders.reduce((n, r) => n + r.docs.length, 0)} documents have only known fields`);
  fs.rmSync(dir, { recursive: true, force: true });
}

// --- 3. policy ----------------------------------------------------------------------------------------
console.log("==> policy (what this project relies on)");
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

for (const { name, docs } of renders) {
  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  const deployments = byKind("Deployment");
  const roles = deployments.map((d) => d.spec.template.spec.containers[0].env?.find((e) => e.name === "FLASHSALE_ROLES")?.value);
  check(["api", "worker", "dlq", "reconciler"].every((r) => roles.includes(r)), `${name}: one Deployment per role (${roles.join(", ")})`);

  for (const d of deployments) {
    const id = `${name}: ${d.metadata.name}`;
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const role = c.env?.find((e) => e.name === "FLASHSALE_ROLES")?.value;
    check(c.readinessProbe?.httpGet?.path === "/actuator/health/readiness", `${id}: readiness probe on /actuator/health/readiness`);
    check(c.livenessProbe?.httpGet?.path === "/actuator/health/liveness", `${id}: liveness probe on /actuator/health/liveness`);
    check(c.startupProbe?.httpGet != null, `${id}: startup probe (liveness is not checked before the application started)`);
    const r = c.resources ?? {};
    check(r.requests?.cpu && r.requests?.memory && r.limits?.cpu && r.limits?.memory, `${id}: cpu and memory requests and limits`);
    check(r.limits?.memory === r.requests?.memory, `${id}: memory limit equals request (the heap is a share of it)`);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    // Spring: 20 s per shutdown phase; a worker first finishes its batch (30 s).
    const needed = preStop + 20 + (role === "worker" ? 30 : 0);
    check(grace > needed, `${id}: terminationGracePeriodSeconds ${grace} > preStop ${preStop} s + shutdown ${needed - preStop} s`);
    if (role === "api") check(preStop > 0, `${id}: preStop delay so endpoints drop the pod before SIGTERM`);
    check(pod.securityContext?.runAsNonRoot === true && c.securityContext?.allowPrivilegeEscalation === false,
      `${id}: non-root, no privilege escalation`);
    check(c.securityContext?.readOnlyRootFilesystem === true && (c.volumeMounts ?? []).some((m) => m.mountPath === "/tmp"),
      `${id}: read-only root file system with a writable /tmp`);
    const sources = c.envFrom ?? [];
    check(sources.some((s) => s.configMapRef) && sources.some((s) => s.secretRef), `${id}: settings from a ConfigMap and a Secret`);
    const pdbs = byKind("PodDisruptionBudget").filter((p) => matches(p.spec.selector.matchLabels, d.spec.template.metadata.labels));
    check(pdbs.length === 1, `${id}: exactly one PodDisruptionBudget`);
    check(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), `${id}: selector matches the pod labels`);
    // References resolve where the render carries the objects (an overlay that generates them).
    for (const s of sources) {
      const ref = s.configMapRef?.name ?? s.secretRef?.name;
      const kind = s.configMapRef ? "ConfigMap" : "Secret";
      if (byKind(kind).length > 0) check(byKind(kind).some((o) => o.metadata.name === ref), `${id}: ${kind} ${ref} is in the render`);
    }
  }

  const hpa = byKind("HorizontalPodAutoscaler");
  check(hpa.length === 1 && hpa[0].spec.scaleTargetRef.name === deployments.find((d) => d.metadata.name.endsWith("-api"))?.metadata.name
    && hpa[0].spec.metrics.some((m) => m.resource?.name === "cpu"), `${name}: an HPA scales the api on CPU`);
  const api = deployments.find((d) => d.metadata.name.endsWith("-api"));
  const worker = deployments.find((d) => d.metadata.name.endsWith("-worker"));
  check(api && api.spec.replicas == null, `${name}: the api Deployment leaves replicas to the HPA`);
  const so = byKind("ScaledObject");
  check(so.length === 1 && so[0].spec.scaleTargetRef.name === worker?.metadata.name, `${name}: a KEDA ScaledObject scales the workers`);
  const triggers = so[0]?.spec.triggers ?? [];
  const trigger = triggers[0];
  const watched = triggers.filter((t) => t.type === "rabbitmq" && t.metadata.mode === "QueueLength")
    .map((t) => t.metadata.queueName);
  const prefix = trigger?.metadata?.queueName?.replace(/\.orders$/, "");
  // The four orders queues of docs/adr/0057: <prefix>.orders and <prefix>.orders.1 to .3.
  const ordersQueues = [`${prefix}.orders`, `${prefix}.orders.1`, `${prefix}.orders.2`, `${prefix}.orders.3`];
  check(triggers.length === 4 && ordersQueues.every((q) => watched.includes(q))
      && triggers.every((t) => t.authenticationRef?.name === trigger?.authenticationRef?.name),
    `${name}: ... on the length of every orders queue (${watched.join(", ")})`);
  check(so[0]?.spec.minReplicaCount >= 1, `${name}: ... never to zero workers`);
  check(worker && worker.spec.replicas == null, `${name}: the worker Deployment leaves replicas to KEDA`);
  const auth = byKind("TriggerAuthentication").find((t) => t.metadata.name === trigger?.authenticationRef?.name);
  check(auth != null, `${name}: the trigger's TriggerAuthentication is in the render`);
  if (byKind("Secret").length > 0) {
    const secretRef = auth?.spec.secretTargetRef?.[0];
    const secret = byKind("Secret").find((s) => s.metadata.name === secretRef?.name);
    check(secret != null && Object.keys({ ...secret.data, ...secret.stringData }).includes(secretRef.key),
      `${name}: the TriggerAuthentication's Secret and key exist (${secretRef?.name}/${secretRef?.key})`);
  }
  for (const cm of byKind("ConfigMap")) {
    const leaked = Object.keys(cm.data ?? {}).filter((k) => /PASSWORD|TOKEN|SECRET|_URI$/.test(k));
    check(leaked.length === 0, `${name}: ConfigMap ${cm.metadata.name} holds no secret ${leaked.join(", ")}`);
  }
}

console.log(`k8s: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
