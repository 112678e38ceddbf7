/**
 * Public types of the access analysis. The offline plan produces PlannedResource[] for all
 * stacks; analyzeAccess evaluates AccessExpectation[] against them and lists cross-account edges.
 */

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    stack: string;
    /** Account of the resource's provider. */
    accountId: string;
    region: string;
    partition?: string;
    /** Plain JS values; IAM documents are JSON strings (or already-parsed objects). */
    inputs: Record<string, unknown>;
    /** Includes arn, id, name as the mocks compute them. */
    outputs: Record<string, unknown>;
}

export type AccessContext = {
    mfa?: boolean;
    mfaAgeSeconds?: number;
    externalId?: string;
    sourceIp?: string;
    principalOrgId?: string;
    /** ISO 8601 only (config checks it), like a role's notBefore and notAfter. */
    currentTime?: string;
    sessionName?: string;
    /** kms:ViaService: the AWS service endpoint (rds.us-east-1.amazonaws.com) using a KMS key for the caller. */
    viaService?: string;
};

export interface AccessExpectation {
    id: string;
    /**
     * A role ARN (evaluated as a session of that role), an IAM user ARN, an IAM group ARN (a synthetic
     * member whose only policies are the group's), or any principal of an outside account (its
     * identity side is assumed to allow everything, so only the resource side decides).
     */
    principal: string;
    action: string;
    /** A role ARN (trust policy is the resource policy) or a bucket / object ARN (bucket policy). */
    resource: string;
    context?: AccessContext;
    /**
     * The other resources the request names, for actions AWS authorizes against several (a restore's DB
     * instance, option, parameter and subnet groups). Required types named by none of them take AWS's
     * default when there is one (RDS's default groups), else the request is denied as unmakeable.
     */
    otherResources?: string[];
    expect: "allow" | "deny";
    description?: string;
}

export type AccessDecision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface AccessResult {
    id: string;
    principal: string;
    action: string;
    resource: string;
    /** The expectation's context, with externalId redacted to "[secret]". */
    context: AccessContext;
    expected: "allow" | "deny";
    result: AccessDecision;
    pass: boolean;
    explanation: string;
}

export interface AccessEdge {
    kind: "assume-role" | "resource-access";
    /**
     * Principal ARN (role, user, group, account root, ARN pattern, an Identity Center permission set's role
     * pattern, a SAML provider), a CI job as `github:<sub>` / `gitlab:<sub>`, or "*" for any principal.
     */
    principal: string;
    /** Role ARN or bucket ARN. */
    target: string;
    actions: string[];
    /** Human-readable conditions the access depends on; sts:ExternalId values are rendered "[secret]". */
    conditions: string[];
    /** Account of the principal, "*" when any account; for a CI job's token its provider ("github", "gitlab"). */
    sourceAccountId: string;
    targetAccountId: string;
    /** Which policies create the edge, e.g. "trust-policy", "identity-policy:Developers/AssumeUpdateApp", "bucket-policy". */
    via?: string;
    /**
     * Actions the resource grants that another resource they are authorized against denies, with that
     * resource: "rds:RestoreDBInstanceFromDBSnapshot: og arn:aws:rds:...:og:default:x (AWS's default)".
     */
    deniedOn?: string[];
    /** For KMS keys: how the principal may use the key (decrypt, describe, encrypt, grant). */
    uses?: string[];
}

export interface AccessAnalysis {
    results: AccessResult[];
    edges: AccessEdge[];
    /** Problems found while building the model (unparseable or unresolved policies, ...). */
    warnings: string[];
}

export interface AnalyzeOptions {
    /** Value of aws:CurrentTime when an expectation does not set currentTime (default: now). */
    now?: Date;
}
