/**
 * Label, annotation and tag keys the platform writes and reads, each spelled once. Node labels
 * and taints live in nodes/labels.ts; Kueue's own label keys in queues/labels.ts.
 */
import { PROJECT } from "./config/keys";

/** Prefix of every platform label and annotation key (`llm-platform/...`). */
export const LABEL_PREFIX = PROJECT;

/** Who manages an object: one value on Kubernetes objects and AWS tags alike. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = PROJECT;

export const STACK_TAG = `${LABEL_PREFIX}/stack`;
export const TEAM_LABEL = `${LABEL_PREFIX}/team`;
export const JOB_LABEL = `${LABEL_PREFIX}/job`;
export const VARIANT_LABEL = `${LABEL_PREFIX}/variant`;
export const DATASET_LABEL = `${LABEL_PREFIX}/dataset`;
/** On the fabric acceptance TrainJob: the pool it tests. */
export const ACCEPTANCE_TEST_LABEL = `${LABEL_PREFIX}/acceptance-test`;

/** On a run's DeepSpeed ConfigMap: the ZeRO advisor's reasoning, and the stage it chose (the config may force another). */
export const ZERO_ADVICE_ANNOTATION = `${LABEL_PREFIX}/zero-advice`;
export const ZERO_ADVISED_STAGE_ANNOTATION = `${LABEL_PREFIX}/zero-advised-stage`;

/** Tag on an S3 bucket giving the GiB the cost model should expect it to hold (S3 bills bytes stored). */
export const EXPECTED_DATA_TAG = `${LABEL_PREFIX}/expected-data-gib`;

/** On an inference endpoint's pods, Service and autoscaler: the endpoint. The compliance gateway's
 * NetworkPolicy selects the vLLM pods by it (only the gateway may reach them). */
export const ENDPOINT_LABEL = `${LABEL_PREFIX}/endpoint`;
/** On an endpoint's Deployment: what the inference policies need that the pod spec does not say (JSON). */
export const ENDPOINT_PLAN_ANNOTATION = `${LABEL_PREFIX}/inference-endpoint`;
/** On a Kueue Workload: "true" keeps the idle-GPU reclaimer away from it. */
export const RECLAIM_OPT_OUT_ANNOTATION = `${LABEL_PREFIX}/reclaim-opt-out`;
/** Written by the reclaimer on a Workload it judged idle: what it did (or would do) and why. */
export const RECLAIM_DECISION_ANNOTATION = `${LABEL_PREFIX}/reclaim-decision`;
export const RECLAIM_REASON_ANNOTATION = `${LABEL_PREFIX}/reclaim-reason`;
export const RECLAIM_DECIDED_AT_ANNOTATION = `${LABEL_PREFIX}/reclaim-decided-at`;
/** Written by the GPU node guard on a node it cordoned. */
export const CORDON_REASON_ANNOTATION = `${LABEL_PREFIX}/cordon-reason`;

/** On pods allowed out to the internet over HTTPS (a model or tokenizer from the Hugging Face Hub): the NetworkPolicy selects them. */
export const HUB_ACCESS_LABEL = `${LABEL_PREFIX}/hub-access`;
/** Pods that read from S3 with Pod Identity credentials (weights streamed by vLLM): HTTPS out and the Pod Identity agent. */
export const S3_ACCESS_LABEL = `${LABEL_PREFIX}/s3-access`;
