// The AWS domain library: ARN builders and parsers, AWS's limits and naming rules, the typed IAM
// policy-document builder and IPv4 CIDR arithmetic. Components and config import these facts from
// here. The service-principal pattern lives in the policy pack, which the Pulumi CLI loads on its own.
export * from "./arn";
export * from "./cidr";
export * from "./limits";
export * from "./names";
export * from "./policy-document";
export { SERVICE_PRINCIPAL, isServicePrincipal } from "../policy-pack/lib/iam/principals";
// The Lambda runtimes and their deprecation dates: one table, in the pack (which must stay self-contained).
export * from "../policy-pack/lib/lambda-runtimes";
export {
    OIDC_PROVIDERS,
    PERMISSION_SET_NAME,
    identityCenterRolePatterns,
    identityCenterRoleArn,
    githubSubjects,
    gitlabSubjects,
    oidcProviderArn,
    pinnedRepository,
    type OidcProviderName,
    type OidcProviderSpec,
} from "../policy-pack/lib/iam/federation";
