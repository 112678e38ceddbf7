// Entry point loaded by `pulumi preview|up --policy-pack policy-pack`. Constructing the PolicyPack starts
// the analyzer's gRPC server, so nothing else may import this module.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
    description:
        "Least privilege for cross-account sharing between the dev, test and prod accounts: trust policies, identity " +
        "policies, S3 bucket policies and settings, Lambda, ECR and RDS snapshot sharing, CloudTrail, VPC peering and tags.",
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies,
});
