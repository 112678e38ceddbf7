// The reusable building blocks of the crossaccount program.
export * from "./policy-document";
export * from "./cidr";
export * from "./account-providers";
export * from "./cross-account-role";
export * from "./assume-role-grant";
export * from "./shared-bucket";
export * from "./audit-trail";
export * from "./network";
export * from "./vpc-peering";
