import { problemsOrNone } from "./helpers/problems";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { validateConfig } from "../gateway/config";
import { ConfigError, formatProblem } from "../infra/config/errors";
import { parseSpec } from "../infra/config/spec";
import { readGatewayLibraries } from "../infra/gateway/libraries";
import { planEndpoint } from "../infra/inference/endpoints";
import { cli } from "./helpers/cli";
import { allowed, Pod, Policy } from "./helpers/networkPolicy";
import { named, ofType, referencePlan } from "./helpers/plan";
import { PROJECT_DIR, referenceConfig, referenceStackDoc, tempProject, withValues } from "./helpers/stacks";

const inputs = (r: { inputs: unknown }) => r.inputs as any;
const GATEWAY_REF = "444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform/llm-gateway:0.1.0";
const SAMPLE = "gateway/libraries/sales-dialogue.yaml";


const prodEndpoint = () => (referenceStackDoc("prod").config["llm-platform:inferenceEndpoints"] as any[])[0];
const withGateway = (gateway: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  withValues(referenceConfig("prod"), { "llm-platform:inferenceEndpoints": [{ ...prodEndpoint(), gateway }], ...extra });

describe("gateway config", () => {
  it("accepts the prod sales endpoint's gateway", () => {
    expect(problemsOrNone(referenceConfig("prod"))).toEqual([]);
  });

  it.each([
    ["an absolute library path", { library: "/etc/passwd.yaml" }, '"/etc/passwd.yaml" is not a library file'],
    ["a library outside the project", { library: "../other/lib.yaml" }, '"../other/lib.yaml" is not a library file'],
    ["a library that is not YAML", { library: "gateway/libraries/sales.json" }, '"gateway/libraries/sales.json" is not a library file'],
  ])("refuses %s", (_what, change, message) => {
    const problems = problemsOrNone(withGateway({ ...prodEndpoint().gateway, ...change }));
    expect(problems).toEqual([`llm-platform:inferenceEndpoints[0].gateway.library: ${message} (a .yaml path inside the project, no .. segments, e.g. "gateway/libraries/sales-dialogue.yaml")`]);
  });

  it("refuses an embedding model path that leaves the shared volume", () => {
    expect(problemsOrNone(withGateway({ ...prodEndpoint().gateway, embeddingModel: "../research/models/bge" }))).toEqual([
      'llm-platform:inferenceEndpoints[0].gateway.embeddingModel: "../research/models/bge" is not a path on the shared volume (relative to it, no leading /, no . or .. segments, no spaces or quotes, e.g. "checkpoints/<team>/<run>/hf")',
    ]);
  });

  it("refuses a client namespace that is not a namespace name", () => {
    expect(problemsOrNone(withGateway({ ...prodEndpoint().gateway, clientNamespaces: ["Sales_App"] }))).toEqual([
      'llm-platform:inferenceEndpoints[0].gateway.clientNamespaces[0]: "Sales_App" is not a valid pool name (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
    ]);
  });

  it("refuses an endpoint without a gateway: nothing else may call vLLM", () => {
    const { gateway: _none, ...bare } = prodEndpoint();
    expect(problemsOrNone(withValues(referenceConfig("prod"), { "llm-platform:inferenceEndpoints": [bare] }))).toEqual([
      "llm-platform:inferenceEndpoints[0].gateway: is required: an endpoint is reached only through its compliance gateway (nothing else may call vLLM, and a model's reply is never sent unchecked); give { library, embeddingModel, clientNamespaces }",
    ]);
  });

  it("refuses a gateway on a stack without shared storage, where its embedding model would be", () => {
    const raw = withValues(referenceConfig("prod"), { "llm-platform:storage": undefined, "llm-platform:datasets": undefined, "llm-platform:trainingJobs": undefined, "llm-platform:inferenceEndpoints": [{ ...prodEndpoint(), weights: "s3://acme-models/sales-llama8b" }] });
    expect(problemsOrNone(raw)).toEqual([
      'llm-platform:inferenceEndpoints[0].gateway.embeddingModel: "models/bge-small-zh-v1.5" is read from the team\'s shared volume, and this stack has no llm-platform:storage (add storage, where the model is staged)',
    ]);
  });

  it("refuses a gateway whose image digest is not configured (it is pulled by digest)", () => {
    const raw = withGateway(prodEndpoint().gateway, { "llm-platform:images": { registry: "444455556666.dkr.ecr.us-east-1.amazonaws.com/llm-platform" } });
    expect(problemsOrNone(raw)).toEqual([
      `llm-platform:images.digests: has no digest for "${GATEWAY_REF}", the image of the gateway of llm-platform:inferenceEndpoints[0] (sales-assistant); build gateway/Dockerfile, push it as ${GATEWAY_REF} and add "${GATEWAY_REF}": "sha256:<64 hex digits>"`,
    ]);
  });
});

describe("gateway libraries at plan time", () => {
  const spec = parseSpec(referenceConfig("prod"));

  it("reads the prod library with the version and hash the gateway's own check prints", () => {
    const libraries = readGatewayLibraries(spec, PROJECT_DIR, (f) => fs.readFileSync(f, "utf8"));
    const check = spawnSync(process.execPath, [path.join(PROJECT_DIR, "scripts/gateway.js"), "check", path.join(PROJECT_DIR, SAMPLE)], { encoding: "utf8" });
    const printed = /version (\S+), hash ([0-9a-f]{12}), (\d+) stages/.exec(check.stdout);
    expect(printed).not.toBeNull();
    const library = libraries["sales-assistant"];
    expect([library.version, library.hash.slice(0, 12), String(library.stages)]).toEqual(printed!.slice(1));
    expect(library.text).toBe(fs.readFileSync(path.join(PROJECT_DIR, SAMPLE), "utf8"));
  });

  it("names the endpoint's key when the library is missing or invalid, with the gateway's own problem text", () => {
    const read = (f: string) => {
      if (f.endsWith("missing.yaml")) throw Object.assign(new Error("no such file"), { code: "ENOENT" });
      return "version: x\nthreshold: 2\nuniversalFallback: ok\nstages: []\n";
    };
    const of = (library: string) => ({ ...spec, inferenceEndpoints: [{ ...spec.inferenceEndpoints[0], gateway: { ...spec.inferenceEndpoints[0].gateway!, library } }] });
    expect(() => readGatewayLibraries(of("missing.yaml"), "/p", read)).toThrow(ConfigError);
    try {
      readGatewayLibraries(of("missing.yaml"), "/p", read);
    } catch (e) {
      expect((e as ConfigError).problems.map(formatProblem)).toEqual([
        'llm-platform:inferenceEndpoints[0].gateway.library: "missing.yaml" cannot be read (ENOENT); give a library file inside the project, e.g. "gateway/libraries/sales-dialogue.yaml"',
      ]);
    }
    try {
      readGatewayLibraries(of("bad.yaml"), "/p", read);
      throw new Error("expected a ConfigError");
    } catch (e) {
      const problems = (e as ConfigError).problems.map(formatProblem);
      expect(problems.length).toBeGreaterThanOrEqual(1);
      for (const p of problems) expect(p.startsWith('llm-platform:inferenceEndpoints[0].gateway.library: "bad.yaml": ')).toBe(true);
      expect(problems.some((p) => p.includes("threshold"))).toBe(true);
    }
  });

  it("fails the plan with exit 2 and the library's problem, and prints each library's version hash when valid", async () => {
    const project = tempProject({ badlibrary: { ...referenceStackDoc("prod").config, "llm-platform:inferenceEndpoints": [{ ...prodEndpoint(), gateway: { ...prodEndpoint().gateway, library: "gateway/libraries/none.yaml" } }] } });
    const run = await cli("--project", project, "--stack", "badlibrary");
    expect(run.code).toBe(2);
    expect(run.err).toContain('llm-platform:inferenceEndpoints[0].gateway.library: "gateway/libraries/none.yaml" cannot be read (ENOENT)');
  });
});

describe("the gateway in the prod plan", () => {
  it("configures the gateway with the vLLM Service, the embedder Service, vLLM's reply cap and the library next to it — a config the gateway itself accepts", async () => {
    const prod = await referencePlan("prod");
    const cm = ofType(prod, "kubernetes:core/v1:ConfigMap").find((c) => inputs(c).metadata.name.startsWith("sales-assistant-gateway-"))!;
    const config = parse(inputs(cm).data["gateway.yaml"]);
    const vllm = inputs(named(prod, "kubernetes:core/v1:Service", "prod-sales-assistant-svc"));
    const embedder = inputs(ofType(prod, "kubernetes:core/v1:Service").find((s) => inputs(s).metadata.name === "sales-assistant-embedder")!);
    expect(config.upstream.baseUrl).toBe(`http://${vllm.metadata.name}.sales-dialogue.svc:${vllm.spec.ports[0].port}/v1`);
    expect(config.embeddings.baseUrl).toBe(`http://${embedder.metadata.name}.sales-dialogue.svc:${embedder.spec.ports[0].port}/v1`);
    // The prod stack's maxOutputTokens and served model name.
    expect([config.upstream.maxTokens, config.upstream.model]).toEqual([512, "sales-llama8b"]);
    // Never shorter than vLLM's own drain budget for its longest reply, nor than 10 s.
    const longest = planEndpoint(prod.spec, prod.spec.inferenceEndpoints[0]).drain.longestReplySeconds;
    expect(config.upstream.timeoutMs).toBeGreaterThanOrEqual(Math.max(10_000, longest * 1000));
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "gw-"));
    const validated = validateConfig(config, dir);
    expect(validated.problems).toEqual([]);
    expect(inputs(cm).data["library.yaml"]).toBe(fs.readFileSync(path.join(PROJECT_DIR, SAMPLE), "utf8"));
    expect(inputs(cm).metadata.annotations["llm-platform/library-version"]).toBe("2025.06.1");
  });

  it("runs the gateway and TEI on the system pool, hardened, by digest, with probes on the gateway's own endpoints", async () => {
    const prod = await referencePlan("prod");
    const deployments = ofType(prod, "kubernetes:apps/v1:Deployment").map(inputs);
    const gateway = deployments.find((d) => d.metadata.name === "sales-assistant-gateway");
    const tei = deployments.find((d) => d.metadata.name === "sales-assistant-embedder");
    for (const d of [gateway, tei]) {
      expect(() => new Deployment(d).validate()).not.toThrow();
      const pod = d.spec.template.spec;
      expect(d.spec.replicas).toBe(2);
      expect(pod.nodeSelector).toEqual({ "llm-platform/pool": "system" });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      const c = pod.containers[0];
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      expect(c.resources.limits).toEqual(c.resources.requests);
      expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
    expect(gateway.spec.template.spec.containers[0].image).toBe(`${GATEWAY_REF}@sha256:5f0c8a2e9b7d4c1a3e6f8b0d2c4a6e8f0b2d4c6a8e0f2b4d6c8a0e2f4b6d8c0a`);
    const g = gateway.spec.template.spec.containers[0];
    expect([g.readinessProbe.httpGet.path, g.livenessProbe.httpGet.path]).toEqual(["/readyz", "/healthz"]);
    expect(g.args).toEqual(["--config", "/etc/gateway/gateway.yaml"]);
    const t = tei.spec.template.spec.containers[0];
    expect(t.image).toBe("ghcr.io/huggingface/text-embeddings-inference:cpu-1.8@sha256:8de25e75ce39617f17f2f6c77d60a4f75b65e779ed5005420eb1400072a15c1c");
    expect(t.args).toEqual(["--model-id", "/data/models/bge-small-zh-v1.5", "--hostname", "0.0.0.0", "--port", "8080", "--json-output"]);
    expect(t.env).toContainEqual({ name: "RAYON_NUM_THREADS", value: t.resources.limits.cpu });
    expect(t.env).toContainEqual({ name: "HF_HUB_OFFLINE", value: "1" });
    expect(t.volumeMounts[0]).toEqual({ name: "shared", mountPath: "/data/models/bge-small-zh-v1.5", subPath: "models/bge-small-zh-v1.5", readOnly: true });
    // The team's tree is 0770 for uid/gid 1000 (the team-directories Job): TEI, running as 65532, reads it through the group.
    const teamDirs = ofType(prod, "kubernetes:batch/v1:Job").map(inputs).find((j) => j.metadata.name.startsWith("team-directories-"));
    expect(teamDirs.spec.template.spec.containers[0].command[2]).toContain("chown 1000:1000");
    expect(tei.spec.template.spec.securityContext).toMatchObject({ runAsUser: 65532, supplementalGroups: [1000] });
    // The gateway starts once TEI, its config and the vLLM Service exist.
    const gatewayResource = ofType(prod, "kubernetes:apps/v1:Deployment").find((d) => inputs(d).metadata.name === "sales-assistant-gateway")!;
    expect(gatewayResource.options.dependsOn).toHaveLength(4);
  });

  it("keeps one gateway and one embedder through voluntary disruptions, behind ClusterIP Services", async () => {
    const prod = await referencePlan("prod");
    const budgets = ofType(prod, "kubernetes:policy/v1:PodDisruptionBudget").map(inputs).filter((b) => /gateway|embedder/.test(b.metadata.name));
    expect(budgets.map((b) => [b.metadata.name, b.spec.maxUnavailable])).toEqual([["sales-assistant-gateway", 1], ["sales-assistant-embedder", 1]]);
    for (const b of budgets) expect(() => new PodDisruptionBudget(b).validate()).not.toThrow();
    for (const s of ofType(prod, "kubernetes:core/v1:Service").map(inputs).filter((x) => /gateway|embedder/.test(x.metadata.name))) {
      expect(s.spec.type).toBe("ClusterIP");
      expect(() => new Service(s).validate()).not.toThrow();
    }
  });

  it("lets only the gateway reach vLLM and TEI, and only the client namespaces and Prometheus reach the gateway", async () => {
    const prod = await referencePlan("prod");
    const policies = ofType(prod, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs) as Policy[];
    for (const p of policies) expect(() => new NetworkPolicy(p as never).validate()).not.toThrow();
    const templateLabels = (name: string) => inputs(ofType(prod, "kubernetes:apps/v1:Deployment").find((d) => inputs(d).metadata.name === name)!).spec.template.metadata.labels;
    const team = "sales-dialogue";
    const gateway: Pod = { namespace: team, labels: templateLabels("sales-assistant-gateway") };
    const vllm: Pod = { namespace: team, labels: templateLabels("sales-assistant-vllm") };
    const tei: Pod = { namespace: team, labels: templateLabels("sales-assistant-embedder") };
    const worker: Pod = { namespace: team, labels: { "jobset.sigs.k8s.io/jobset-name": "sales-llama8b-src1024" } };
    const hubPod: Pod = { namespace: team, labels: { "llm-platform/hub-access": "true" } };
    const salesApp: Pod = { namespace: "sales-app", labels: { app: "web" } };
    const otherApp: Pod = { namespace: "marketing", labels: { app: "web" } };
    const research: Pod = { namespace: "research", labels: { "jobset.sigs.k8s.io/jobset-name": "x" } };
    const prometheus: Pod = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
    const dns: Pod = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
    const internet: Pod = { namespace: "", labels: {}, ip: "52.95.110.1" };
    const cases: [string, Pod, Pod, number, boolean][] = [
      ["gateway → vLLM", gateway, vllm, 8000, true],
      ["gateway → TEI", gateway, tei, 8080, true],
      ["gateway → DNS", gateway, dns, 53, true],
      ["sales app → gateway", salesApp, gateway, 8080, true],
      ["Prometheus → gateway metrics", prometheus, gateway, 8080, true],
      ["Prometheus → vLLM metrics", prometheus, vllm, 8000, true],
      ["sales app → vLLM", salesApp, vllm, 8000, false],
      ["sales app → TEI", salesApp, tei, 8080, false],
      ["another namespace → gateway", otherApp, gateway, 8080, false],
      ["a training worker → vLLM", worker, vllm, 8000, false],
      ["a hub-access pod → vLLM", hubPod, vllm, 8000, false],
      ["another team → vLLM", research, vllm, 8000, false],
      ["another team → gateway", research, gateway, 8080, false],
      ["gateway → the internet", gateway, internet, 443, false],
      ["gateway → vLLM on another port", gateway, vllm, 22, false],
      ["Prometheus → TEI", prometheus, tei, 8080, false],
    ];
    expect(cases.map(([what, from, to, port]) => [what, allowed(policies, from, to, port)])).toEqual(cases.map(([what, , , , want]) => [what, want]));
  });

  it("counts the team's inference GPUs in its GPU ResourceQuota", async () => {
    const prod = await referencePlan("prod");
    const quotas = ofType(prod, "kubernetes:core/v1:ResourceQuota").map(inputs);
    // Training: train-h100 8 nodes × 8 H100 + train-h200 4 × 8 = 96 (borrowing the cohort); sales-dialogue
    // also serves sales-assistant at up to 16 replicas × 1 GPU: 112.
    expect(quotas.map((q) => [q.metadata.namespace, q.spec.hard["requests.nvidia.com/gpu"]])).toEqual([["sales-dialogue", "112"], ["research", "96"]]);
  });

  it("tags the gateway image with the gateway's package version", () => {
    const version = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "gateway/package.json"), "utf8")).version;
    expect(GATEWAY_REF.endsWith(`:${version}`)).toBe(true);
    expect(require("../infra/versions").GATEWAY_VERSION).toBe(version);
  });
});
