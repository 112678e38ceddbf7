// The pack's rules. Importing this module has no side effects: only index.ts constructs the PolicyPack
// (whose constructor starts the analyzer's gRPC server), so tests and the offline engine can load it.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { cloudTrailPolicies } from "./cloudtrail";
import { conditionPolicies } from "./conditions";
import { identityPolicies } from "./identity";
import { lambdaPolicies } from "./lambda";
import { kmsPolicies } from "./kms";
import { resourceDocumentPolicies } from "./resource-documents";
import { resourcePolicies } from "./resource-policies";
import { s3Policies } from "./s3";
import { tagPolicies } from "./tags";
import { trustPolicies } from "./trust";
import { vpcPolicies } from "./vpc";

export const POLICY_PACK_NAME = "crossaccount-least-privilege";

/** Rules that do not say otherwise block the deployment. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const policies: Policies = [
    ...trustPolicies,
    ...identityPolicies,
    ...conditionPolicies,
    ...s3Policies,
    ...resourcePolicies,
    ...lambdaPolicies,
    ...kmsPolicies,
    ...resourceDocumentPolicies,
    ...cloudTrailPolicies,
    ...vpcPolicies,
    ...tagPolicies,
];
