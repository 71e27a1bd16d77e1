import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingStorageSpec } from "../../infra/config/types";
import { SHARED_DATA_CLAIM } from "../../infra/storage/values";

export interface ExistingSharedStorageArgs {
  storage: ExistingStorageSpec;
  teamNamespaces: Record<string, pulumi.Input<string>>;
  provider: k8s.Provider;
}

/** On an existing cluster: a ReadWriteMany claim per team on the cluster's own shared StorageClass, protected and retained. */
export class ExistingSharedStorage extends pulumi.ComponentResource {
  constructor(name: string, args: ExistingSharedStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:storage:ExistingSharedStorage", name, {}, opts);
    for (const [team, namespace] of Object.entries(args.teamNamespaces)) {
      new k8s.core.v1.PersistentVolumeClaim(`${name}-${team}`, {
        metadata: { name: SHARED_DATA_CLAIM, namespace },
        spec: {
          accessModes: ["ReadWriteMany"],
          storageClassName: args.storage.storageClassName,
          resources: { requests: { storage: `${args.storage.claimSizeGiB}Gi` } },
        },
        // The claim is the team's data: with the usual StorageClass reclaim policy (Delete), deleting
        // it deletes the volume. Protected, and left in the cluster when the stack is destroyed.
      }, { parent: this, provider: args.provider, protect: true, retainOnDelete: true });
    }
    this.registerOutputs({});
  }
}
