import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { GPU_MODELS, GpuModelName } from "../infra/catalog/gpus";
import { checkServingRelease, ServingCheck } from "../infra/inference/alignment";
import { GATEWAY_PENDING_METRIC, KEDA_API } from "../infra/inference/autoscaling";
import { estimateServing, replicasNeeded } from "../infra/inference/estimate";
import { compareVersions } from "../infra/compat/version";
import { parseImageRef } from "../infra/images";
import { servingRepository, vllmVersionOfTag } from "../infra/inference/image";
import { EndpointAnnotation, readEndpointAnnotation } from "../infra/inference/manifests";
import { gib, GPU_MEMORY_UTILIZATION, SERVING_MEMORY_HEADROOM, servingMemory, ServingMemoryInput, whatWouldFit } from "../infra/inference/memory";
import { argValue, capsOutputServerSide, OUTPUT_CAP_RELEASES, outputCapOf, QUEUE_METRIC, RUNNING_METRIC } from "../infra/inference/vllmServer";
import { PlatformManifest, PoolManifest } from "../infra/manifest";
import { manifestOrNotApplicable } from "./manifest";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SCALED_OBJECT = `kubernetes:${KEDA_API}:ScaledObject`;

interface EndpointView {
  readonly deployment: PolicyResource;
  /** team/endpoint, as messages name it. */
  readonly name: string;
  readonly annotation: EndpointAnnotation;
  readonly args: readonly string[];
  readonly image: string;
  readonly pool?: PoolManifest;
  readonly gpu?: GpuModelName;
}

/** Every Deployment the platform renders for an inference endpoint, with what the policies need of it. */
function endpointViews(resources: readonly PolicyResource[], manifest: PlatformManifest): EndpointView[] {
  return resources.filter((r) => r.type === DEPLOYMENT).flatMap((deployment) => {
    const annotation = readEndpointAnnotation(deployment.props.metadata);
    if (!annotation) return [];
    const container = (deployment.props.spec?.template?.spec?.containers ?? []).find((c: { name: string }) => c.name === "vllm") ?? {};
    const pool = manifest.nodePools.find((p) => p.name === annotation.pool);
    const gpu = pool?.gpu && pool.gpu in GPU_MODELS ? (pool.gpu as GpuModelName) : undefined;
    return [{ deployment, name: `${deployment.props.metadata?.namespace}/${annotation.endpoint}`, annotation, args: container.args ?? [], image: container.image ?? "", ...(pool ? { pool } : {}), ...(gpu ? { gpu } : {}) }];
  });
}

const intArg = (args: readonly string[], flag: string, fallback: number) => {
  const v = Number(argValue(args, flag));
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

/** The memory question as the rendered command line asks it (LoRA slots are sized at --max-lora-rank). */
function memoryInput(view: EndpointView, gpu: GpuModelName): ServingMemoryInput {
  const loras = view.args.includes("--enable-lora") ? intArg(view.args, "--max-loras", 1) : 0;
  const rank = intArg(view.args, "--max-lora-rank", 16);
  return {
    model: view.annotation.model,
    loraAdapters: Array.from({ length: loras }, (_, i) => ({ name: `slot-${i}`, path: "", rank })),
    maxModelLen: intArg(view.args, "--max-model-len", 0),
    // vLLM's default --max-num-seqs is 256 (EngineArgs): without the flag the batch can grow that far.
    concurrencyPerReplica: intArg(view.args, "--max-num-seqs", 256),
    gpusPerReplica: intArg(view.args, "--tensor-parallel-size", 1),
    gpu,
  };
}

/** The model (weights + KV for maxModelLen × the replica's concurrency + LoRA slots) fits its GPUs with headroom. */
export const inferenceModelFits: StackValidationPolicy = {
  name: "inference-model-fits",
  description: `An endpoint's weights, KV cache for --max-model-len tokens of every sequence it serves at once (--max-num-seqs) and LoRA slots fit its --tensor-parallel-size GPUs within ${SERVING_MEMORY_HEADROOM * 100} % of their memory (vLLM takes ${GPU_MEMORY_UTILIZATION * 100} % and needs the rest of that for activations).`,
  enforcementLevel: "mandatory",
  validateStack: (a, reportViolation) => {
    const manifest = manifestOrNotApplicable(a);
    for (const view of endpointViews(a.resources, manifest)) {
      if (!view.gpu || !view.pool) continue; // inference-on-inference-pool names the missing pool
      const input = memoryInput(view, view.gpu);
      if (input.maxModelLen === 0) {
        reportViolation(`endpoint ${view.name} sets no --max-model-len: vLLM would reserve KV cache for the model's full context`, view.deployment.urn);
        continue;
      }
      const m = servingMemory(input);
      if (m.fits) continue;
      const fit = whatWouldFit(input, view.pool.gpusPerNode);
      const options = [
        fit.maxConcurrency > 0 ? `concurrencyPerReplica ≤ ${fit.maxConcurrency}` : undefined,
        fit.maxModelLen > 0 ? `maxModelLen ≤ ${fit.maxModelLen}` : undefined,
        fit.gpusPerReplica ? `gpusPerReplica ${fit.gpusPerReplica}` : `a pool with more memory per GPU (${view.pool.gpusPerNode} × ${view.gpu} per node cannot hold it)`,
      ].filter(Boolean);
      reportViolation(
        `endpoint ${view.name} needs ${gib(m.neededBytes)} per replica (weights ${gib(m.weightsBytes)} + KV ${gib(m.kvBytes)} for ${input.concurrencyPerReplica} sequences × ${input.maxModelLen} tokens${m.loraBytes ? ` + LoRA ${gib(m.loraBytes)}` : ""}), ` +
          `but ${input.gpusPerReplica} × ${view.gpu} on pool ${view.pool.name} give ${gib(m.usableBytes)} usable (${SERVING_MEMORY_HEADROOM * 100} % of ${GPU_MODELS[view.gpu].memoryGiB} GiB each); would fit: ${options.join(", or ")}`,
        view.deployment.urn,
      );
    }
  },
};

/** Every reply has a server-side cap, in a vLLM release that enforces it. */
export const inferenceOutputCapped: StackValidationPolicy = {
  name: "inference-output-capped",
  description: `An endpoint caps every reply server-side (--override-generation-config max_new_tokens, a ceiling in vLLM ${OUTPUT_CAP_RELEASES.first} up to ${OUTPUT_CAP_RELEASES.before}): without it one request may generate up to the context length and hold its batch slot that long.`,
  enforcementLevel: "mandatory",
  validateStack: (a, reportViolation) => {
    const manifest = manifestOrNotApplicable(a);
    for (const view of endpointViews(a.resources, manifest)) {
      const cap = outputCapOf(view.args);
      const version = vllmVersionOfTag(parseImageRef(view.image).tag);
      if (cap === undefined) {
        reportViolation(`endpoint ${view.name} has no output cap: set maxOutputTokens (rendered as --override-generation-config '{"max_new_tokens": N}'); without it a client may ask for every token of the context`, view.deployment.urn);
      } else if (!version) {
        reportViolation(`endpoint ${view.name} caps replies at ${cap} tokens, but image ${view.image} names no vLLM release, so whether the cap holds is unknown (use the platform's vllm-openai:v<version> image)`, view.deployment.urn);
      } else if (!capsOutputServerSide(version)) {
        reportViolation(
          `endpoint ${view.name}: vLLM ${version} does not enforce max_new_tokens ${cap} as a ceiling (` +
            (compareVersions(version.replace(/\.post\d+$/, ""), OUTPUT_CAP_RELEASES.first) < 0 ? "it predates vllm#12242" : "vllm#34063 made it a default an explicit max_tokens overrides") +
            `); serve a release from ${OUTPUT_CAP_RELEASES.first} up to ${OUTPUT_CAP_RELEASES.before}`,
          view.deployment.urn,
        );
      }
    }
  },
};

/** Advisory: replicas.max covers the traffic at the estimated replies per second per replica. */
export const inferenceReplicasCoverTraffic: StackValidationPolicy = {
  name: "inference-replicas-cover-traffic",
  description: "The replicas the estimate says the configured traffic needs fit within the endpoint's ScaledObject maxReplicaCount.",
  enforcementLevel: "advisory",
  validateStack: (a, reportViolation) => {
    const manifest = manifestOrNotApplicable(a);
    const scalers = a.resources.filter((r) => r.type === SCALED_OBJECT);
    for (const view of endpointViews(a.resources, manifest)) {
      if (!view.gpu) continue;
      const deploymentName = view.deployment.props.metadata?.name;
      const scaler = scalers.find((s) => s.props.metadata?.namespace === view.deployment.props.metadata?.namespace && s.props.spec?.scaleTargetRef?.name === deploymentName);
      if (!scaler) {
        reportViolation(`endpoint ${view.name} has no ScaledObject: it never scales with its traffic`, view.deployment.urn);
        continue;
      }
      const input = memoryInput(view, view.gpu);
      const estimate = estimateServing({ model: view.annotation.model, gpu: view.gpu, gpusPerReplica: input.gpusPerReplica, concurrency: input.concurrencyPerReplica, inputTokens: view.annotation.traffic.inputTokens, outputTokens: view.annotation.traffic.outputTokens, usdPerReplicaHour: null });
      const needed = replicasNeeded(view.annotation.traffic.requestsPerSecond, estimate);
      const max = Number(scaler.props.spec?.maxReplicaCount ?? 0);
      if (needed > max) {
        reportViolation(`endpoint ${view.name}: ${view.annotation.traffic.requestsPerSecond} req/s at ${estimate.repliesPerSecondPerReplica.toFixed(2)} replies/s per replica needs ${needed} replicas, but replicas.max is ${max}: requests will queue`, scaler.urn);
      }
    }
  },
};

/** Endpoints run on inference pools only (training pools are queued through Kueue for jobs). */
export const inferenceOnInferencePool: StackValidationPolicy = {
  name: "inference-on-inference-pool",
  description: "An inference endpoint's pool exists and has purpose inference: serving on a training pool takes GPUs Kueue hands out to jobs.",
  enforcementLevel: "mandatory",
  validateStack: (a, reportViolation) => {
    const manifest = manifestOrNotApplicable(a);
    for (const view of endpointViews(a.resources, manifest)) {
      if (!view.pool) reportViolation(`endpoint ${view.name} names pool ${view.annotation.pool}, which the stack does not have`, view.deployment.urn);
      else if (view.pool.purpose !== "inference") {
        const inference = manifest.nodePools.filter((p) => p.purpose === "inference").map((p) => p.name);
        reportViolation(`endpoint ${view.name} runs on pool ${view.pool.name}, a ${view.pool.purpose} pool; endpoints run on inference pools (${inference.join(", ") || "the stack has none"})`, view.deployment.urn);
      }
    }
  },
};

type ServingChecker = (gpu: GpuModelName, driverVersion: string, vllmVersion: string) => ServingCheck;

/** The endpoint's image is the platform's vLLM mirror, and the matrix knows no breakage of that release on the pool's GPU and driver. */
function inferenceImageAlignedPolicy(check: ServingChecker = checkServingRelease): StackValidationPolicy {
  return {
    name: "inference-image-aligned",
    description: "An endpoint serves the platform's mirrored vLLM image (vllm-openai:v<version>), and that release's PyTorch/CUDA run on the nodes' driver and support the pool's GPU architecture (documented breakage refuses).",
    enforcementLevel: "mandatory",
    validateStack: (a, reportViolation) => {
      const manifest = manifestOrNotApplicable(a);
      const repository = servingRepository(manifest.images);
      for (const view of endpointViews(a.resources, manifest)) {
        const ref = parseImageRef(view.image);
        const version = vllmVersionOfTag(ref.tag);
        if (ref.repository !== repository || !version) {
          reportViolation(`endpoint ${view.name} runs ${view.image}, not the platform's serving image ${repository}:v<vLLM version> chosen by the alignment module`, view.deployment.urn);
          continue;
        }
        if (!view.gpu) continue;
        const result = check(view.gpu, manifest.gpuStack.driverVersion, version);
        const broken = result.findings.filter((f) => f.kind === "broken");
        if (broken.length > 0) {
          reportViolation(`endpoint ${view.name} (${view.gpu} on pool ${view.annotation.pool}, driver ${manifest.gpuStack.driverVersion}, vLLM ${version}): ${broken.map((f) => f.message).join("; ")}${result.suggestion ? `; ${result.suggestion}` : ""}`, view.deployment.urn);
        }
      }
    },
  };
}
export const inferenceImageAligned = inferenceImageAlignedPolicy();

/** Advisory: what the matrix knows short of breakage (limited, untested, unknown, end of life), and an image not pinned by digest. */
export function inferenceImageAdvisoriesPolicy(check: ServingChecker = checkServingRelease): StackValidationPolicy {
  return {
    name: "inference-image-advisories",
    description: "Advice on an endpoint's vLLM release: runs with a limitation, untested, newer than the matrix or unchecked, a driver past end of life, or an image not pinned by digest.",
    enforcementLevel: "advisory",
    validateStack: (a, reportViolation) => {
      const manifest = manifestOrNotApplicable(a);
      for (const view of endpointViews(a.resources, manifest)) {
        const ref = parseImageRef(view.image);
        const version = vllmVersionOfTag(ref.tag);
        if (!ref.digest) reportViolation(`endpoint ${view.name} runs ${view.image} by tag only: pin its digest in images.digests (a tag can be moved)`, view.deployment.urn);
        if (!version || !view.gpu) continue;
        for (const f of check(view.gpu, manifest.gpuStack.driverVersion, version).findings.filter((x) => x.kind !== "broken")) {
          reportViolation(`endpoint ${view.name}: [${f.kind}] ${f.message}`, view.deployment.urn);
        }
      }
    },
  };
}
export const inferenceImageAdvisories = inferenceImageAdvisoriesPolicy();

/** Advisory: an endpoint parked at zero replicas has a trigger that exists while no vLLM pod runs. */
export const inferenceScaleToZeroWakes: StackValidationPolicy = {
  name: "inference-scale-to-zero-wakes",
  description: `A ScaledObject with minReplicaCount 0 needs a trigger on a metric that exists at zero replicas (vLLM's ${QUEUE_METRIC} and ${RUNNING_METRIC} vanish with its last pod); the platform uses the compliance gateway's ${GATEWAY_PENDING_METRIC}.`,
  enforcementLevel: "advisory",
  validateStack: (a, reportViolation) => {
    for (const scaler of a.resources.filter((r) => r.type === SCALED_OBJECT && Number(r.props.spec?.minReplicaCount ?? 1) === 0)) {
      const queries: string[] = (scaler.props.spec?.triggers ?? []).map((t: { metadata?: { query?: string } }) => t.metadata?.query ?? "");
      const wakes = queries.some((q) => q !== "" && !/\bvllm:/.test(q));
      if (!wakes) reportViolation(`${scaler.props.metadata?.namespace}/${scaler.props.metadata?.name} scales to zero on vLLM's own metrics only: with no pod left they vanish and the endpoint never wakes`, scaler.urn);
    }
  },
};

/** Advisory: an endpoint runs Python shipped with its weights (--trust-remote-code), as remote-code-in-jobs says of jobs. */
export const inferenceRemoteCode: StackValidationPolicy = {
  name: "inference-remote-code",
  description: "An endpoint serves with --trust-remote-code: code from the weights' directory (e.g. ChatGLM's tokenizer) runs in the server, with the team's shared volume mounted.",
  enforcementLevel: "advisory",
  validateStack: (a, reportViolation) => {
    const manifest = manifestOrNotApplicable(a);
    for (const view of endpointViews(a.resources, manifest)) {
      if (view.args.includes("--trust-remote-code")) reportViolation(`endpoint ${view.name}: model ${view.annotation.model.name} runs its own code (trust_remote_code) from its weights; review that code, which the server runs with the team's volume mounted`, view.deployment.urn);
    }
  },
};
