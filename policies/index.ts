// The policy pack `pulumi preview --policy-pack policies` loads. Tests and the offline plan import
// ./policies instead, so that constructing the pack (which starts a gRPC server) never happens there.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { policies: allPolicies });
