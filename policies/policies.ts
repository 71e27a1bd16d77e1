import { Policies } from "@pulumi/policy";
import { costAtMaxWithinBudget, costFullyPriced, costWithinBudget } from "./cost";
import { eksEndpointNotPublic } from "./eksEndpoint";
import { eksSecretsEncrypted } from "./eksSecretsEncryption";
import { efaPoolSingleSubnet, multinodeBandwidthPerGpu, multinodeTrainingFabric } from "./fabric";
import { gpuOperatorMatchesStack, gpuSoftwareAligned, gpuSoftwareMinorVersionCompat, gpuSoftwareUntested, platformImagesMatchStack } from "./gpuSoftware";
import { inferenceImageAdvisories, inferenceImageAligned, inferenceModelFits, inferenceOnInferencePool, inferenceOutputCapped, inferenceRemoteCode, inferenceReplicasCoverTraffic, inferenceScaleToZeroWakes } from "./inference";
import { dashboardsNotExposed, gpuAlertRulesPresent, gpuMonitoringPresent, grafanaExposedAdvisory, prometheusRetentionShort } from "./monitoring";
import { gpuPoolTainted, nodeImdsv2Required, nodeNoPublicIp } from "./nodeSecurity";
import { fileSystemNotReplaced, sharedStorageProtected } from "./storage";
import { clusterAutoscalerMatchesCluster, gpuNodeGroupAcceleratorLabel, nodeImageKnown, nodeImagePinned } from "./nodeImage";
import { defaultStorageClassPresent, kubernetesAfterSystemNodes, lustreAfterSecurityRules } from "./ordering";
import { containerImagesPinned, noRuntimeDownloads, noStandingClusterAdmin, podVolumesMountable, remoteCodeInJobs, trainingLauncherRuns } from "./runtime";
import { awsSecurityPolicies } from "./awsSecurity";
import { kubernetesSecurityPolicies } from "./security";
import { jobNcclEnvMatchesFabric, kueueWaitsForPools, multinodeJobFabric, trainingJobFits, trainingJobQueued, trainingJobWithinOwnQuota, zeroStage3WhereStage2Fits } from "./training";

export const POLICY_PACK_NAME = "llm-platform";

/** Every policy of the pack, in the order reports list them. */
export const allPolicies: Policies = [
  costWithinBudget,
  costAtMaxWithinBudget,
  costFullyPriced,
  eksEndpointNotPublic,
  eksSecretsEncrypted,
  multinodeTrainingFabric,
  efaPoolSingleSubnet,
  multinodeBandwidthPerGpu,
  nodeImdsv2Required,
  nodeNoPublicIp,
  gpuPoolTainted,
  gpuSoftwareAligned,
  gpuSoftwareMinorVersionCompat,
  gpuSoftwareUntested,
  gpuOperatorMatchesStack,
  platformImagesMatchStack,
  fileSystemNotReplaced,
  sharedStorageProtected,
  trainingJobQueued,
  trainingJobFits,
  trainingJobWithinOwnQuota,
  multinodeJobFabric,
  jobNcclEnvMatchesFabric,
  zeroStage3WhereStage2Fits,
  inferenceOnInferencePool,
  inferenceModelFits,
  inferenceOutputCapped,
  inferenceImageAligned,
  inferenceImageAdvisories,
  inferenceReplicasCoverTraffic,
  inferenceScaleToZeroWakes,
  inferenceRemoteCode,
  kueueWaitsForPools,
  podVolumesMountable,
  trainingLauncherRuns,
  containerImagesPinned,
  noRuntimeDownloads,
  noStandingClusterAdmin,
  remoteCodeInJobs,
  lustreAfterSecurityRules,
  kubernetesAfterSystemNodes,
  defaultStorageClassPresent,
  nodeImagePinned,
  nodeImageKnown,
  clusterAutoscalerMatchesCluster,
  gpuNodeGroupAcceleratorLabel,
  gpuMonitoringPresent,
  gpuAlertRulesPresent,
  dashboardsNotExposed,
  grafanaExposedAdvisory,
  prometheusRetentionShort,
  ...kubernetesSecurityPolicies,
  ...awsSecurityPolicies,
];
