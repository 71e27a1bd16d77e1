/**
 * Config rules that need the resolved spec: storage per target, the file system's AZ against the
 * training pools, teams, and each data set's topology and shard plan.
 */
import { datasetShardPlan, MIB, shardPool } from "../data/datasets";
import { ShardPlanError } from "../data/shardPlan";
import { isGpuPool } from "../nodes/labels";
import { ConfigProblem, show } from "./errors";
import { PROJECT } from "./schema";
import type { PlatformSpec } from "./spec";
import { didYouMean } from "./suggest";

const key = (k: string) => `${PROJECT}:${k}`;

export function storageAndDataProblems(spec: PlatformSpec, decoded: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const rawStorage = (decoded.storage ?? undefined) as Record<string, unknown> | undefined;

  if (rawStorage) {
    if (spec.target === "aws") {
      if (!rawStorage.fsx) problems.push({ path: key("storage.fsx"), message: "is required on AWS ({ storageCapacityGiB, throughputPerTiB }: the FSx for Lustre file system for the shards)" });
      for (const k of ["storageClassName", "claimSizeGiB"]) {
        if (rawStorage[k] !== undefined) problems.push({ path: key(`storage.${k}`), message: "is only used with target existing (AWS stacks get FSx for Lustre)" });
      }
    } else {
      if (!rawStorage.storageClassName) problems.push({ path: key("storage.storageClassName"), message: "is required on an existing cluster (the name of a ReadWriteMany StorageClass the cluster has, e.g. cephfs or nfs-client)" });
      for (const k of ["fsx", "s3"]) {
        if (rawStorage[k] !== undefined) problems.push({ path: key(`storage.${k}`), message: "is only used with target aws (an existing cluster uses storage.storageClassName)" });
      }
    }
  }

  if (spec.target === "aws" && spec.storage) {
    const zone = spec.storage.fsx.availabilityZone;
    if (!spec.network.availabilityZones.includes(zone)) {
      problems.push({ path: key("storage.fsx.availabilityZone"), message: `${show(zone)} is not one of the VPC's availability zones (${spec.network.availabilityZones.join(", ")})` });
    } else {
      spec.nodePools.forEach((pool, i) => {
        if (pool.purpose !== "training") return;
        if (pool.availabilityZones.length !== 1 || pool.availabilityZones[0] !== zone) {
          problems.push({
            path: `${key("nodePools")}[${i}].availabilityZones`,
            message: `${show(pool.availabilityZones)} puts training pool ${pool.name} outside the file system's AZ ${zone}; shards would cross AZs (set [${JSON.stringify(zone)}] or move storage.fsx.availabilityZone)`,
          });
        }
      });
    }
  }

  const teamNames = spec.teams.map((t) => t.name);
  spec.teams.forEach((team, i) => {
    const first = teamNames.indexOf(team.name);
    if (first !== i) problems.push({ path: `${key("teams")}[${i}].name`, message: `${show(team.name)} is already the name of teams[${first}] (team names must be unique)` });
  });

  const datasetNames = spec.datasets.map((d) => d.name);
  spec.datasets.forEach((dataset, i) => {
    const at = `${key("datasets")}[${i}]`;
    if (datasetNames.indexOf(dataset.name) !== i) problems.push({ path: `${at}.name`, message: `${show(dataset.name)} is already the name of datasets[${datasetNames.indexOf(dataset.name)}]` });
    if (!spec.storage) problems.push({ path: at, message: `needs shared storage to write its shards to (set ${key("storage")})` });
    if (!teamNames.includes(dataset.team)) {
      problems.push({ path: `${at}.team`, message: `${show(dataset.team)} is not a team of ${key("teams")}${didYouMean(dataset.team, teamNames) || ` (teams: ${teamNames.join(", ") || "none"})`}` });
    }
    const pool = shardPool(spec, dataset);
    if (!pool) {
      problems.push({ path: `${at}.shardFor.pool`, message: `${show(dataset.shardFor.pool)} is not a node pool${didYouMean(dataset.shardFor.pool, spec.nodePools.map((p) => p.name))}` });
      return;
    }
    if (pool.purpose !== "training" || !isGpuPool(pool)) {
      problems.push({ path: `${at}.shardFor.pool`, message: `${show(pool.name)} is a ${pool.purpose} pool; shards are cut for a GPU training pool` });
      return;
    }
    if (dataset.shardFor.nodes > pool.maxNodes) {
      problems.push({ path: `${at}.shardFor.nodes`, message: `${dataset.shardFor.nodes} is more than pool ${pool.name}'s maxNodes ${pool.maxNodes}` });
      return;
    }
    try {
      datasetShardPlan(spec, dataset);
    } catch (e) {
      if (!(e instanceof ShardPlanError)) throw e;
      problems.push({ path: `${at}.memoryBudgetMiB`, message: `${dataset.memoryBudgetMiB}: ${e.message} (memoryBudgetMiB ≥ ${Math.ceil(e.smallestBudgetBytes / MIB)})` });
    }
  });
  return problems;
}
