// The reusable building blocks of the crossaccount program.
export * from "../aws";
export * from "./account-providers";
export * from "./cross-account-role";
export * from "./assume-role-grant";
export * from "./shared-bucket";
export * from "./audit-trail";
export * from "./network";
export * from "./vpc-peering";
export * from "./lambda-invoke-grant";
export * from "./shared-function";
export * from "./ecr-pull-grant";
export * from "./shared-repository";
export * from "./snapshot-share";
export * from "./activity-alarms";
export * from "./managed-policy-rule";
export * from "./config-recorder";
