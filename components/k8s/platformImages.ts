import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ImageRef, ImageRole } from "../../infra/images";

export interface PlatformImagesArgs {
  images: Record<ImageRole, ImageRef>;
  namespace: pulumi.Input<string>;
  provider: k8s.Provider;
}

/** The aligned images as a ConfigMap, where pipelines and users look them up instead of typing tags. */
export class PlatformImages extends pulumi.ComponentResource {
  public readonly configMap: k8s.core.v1.ConfigMap;

  constructor(name: string, args: PlatformImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:k8s:PlatformImages", name, {}, opts);
    this.configMap = new k8s.core.v1.ConfigMap(name, {
      metadata: { name: "llm-platform-images", namespace: args.namespace },
      data: Object.fromEntries(Object.entries(args.images).map(([role, image]) => [role, image.ref])),
    }, { parent: this, provider: args.provider });
    this.registerOutputs({});
  }
}
