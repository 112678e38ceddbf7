// Rules for S3: bucket policies (who may do what on a bucket) and the settings every bucket needs.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsPrincipals, isCrossAccount } from "./lib/accounts";
import { AllowedAccountsConfig, allowedAccountsConfig } from "./lib/config";
import { ReadableDocument, at, oversize, quoted } from "./lib/documents";
import { actionGrants, grantsOutsideAllowedAccounts, everyActionOf } from "./lib/grants";
import { ActionInfo, wildcardMatch } from "./lib/iam-actions";
import { Statement, grantsEveryone, isAllow, isDeny, isPublicGrantLimited } from "./lib/iam";
import { companionsByBucket, nameOf, ofClass } from "./lib/relations";
import { BUCKET_CLASSES, ENCRYPTION_CLASSES, ResourceClass, aws } from "./lib/resource-types";
import { StackEntry, StackFinding, documentRule, stackRule } from "./lib/rule-kit";
import { unknownUntilApply } from "./lib/pulumi-runtime";
import { Value, asBoolean, asRecord, asString, isUnknown, listOf } from "./lib/values";

const describeActions = (statement: Statement): string => (statement.action?.values.length ? quoted(statement.action.values) : "access");

export const bucketPolicyNoPublicPrincipal = documentRule({
    name: "s3-bucket-policy-no-public-principal",
    description:
        'A bucket policy grants nothing to an unconditioned "*" principal (a condition with concrete values must limit the ' +
        "organization, account, principal, source or network: aws:PrincipalOrgID, aws:SourceVpce, aws:VpceOrgID ..., lib/iam/scoping.ts). Checkov CKV_AWS_70 / CKV_AWS_283; " +
        "AWS Config S3_BUCKET_PUBLIC_READ_PROHIBITED / S3_BUCKET_PUBLIC_WRITE_PROHIBITED.",
    documents: ["bucket"],
    check: (located) =>
        located.document.statements
            .filter((statement) => isAllow(statement) && grantsEveryone(statement.principal) && !isPublicGrantLimited(statement))
            .map(
                (statement) =>
                    `${at(located, statement)}: grants ${describeActions(statement)} to every principal ("*") ` +
                    "without a condition that limits who can use it. " +
                    'Fix: name the principals, e.g. {"AWS": "arn:aws:iam::<account>:root"} with an aws:PrincipalArn condition, ' +
                    "or add a condition such as aws:PrincipalOrgID or aws:SourceArn.",
            ),
});

export const bucketPolicyAllowedAccounts = documentRule<AllowedAccountsConfig>({
    name: "s3-bucket-policy-allowed-accounts",
    description:
        "A bucket policy grants nothing to accounts outside allowedAccountIds (plus the bucket's own account). " +
        "AWS Config S3_BUCKET_POLICY_GRANTEE_CHECK.",
    documents: ["bucket"],
    config: allowedAccountsConfig,
    check: grantsOutsideAllowedAccounts,
});

const S3_ARN_PREFIX = /^arn:aws[\w-]*:s3:::/;

/** "*" or "s3:*". */
const everyS3Action = everyActionOf("s3");

/** The bucket and object ARNs a TLS deny must cover; from the bucket name or, when unknown, the resources themselves. */
function bucketArns(bucketName: string | undefined, resources: string[]): { bucket: string; objects: string }[] {
    const names = bucketName
        ? [bucketName]
        : resources.filter((resource) => S3_ARN_PREFIX.test(resource)).map((resource) => resource.replace(S3_ARN_PREFIX, "").split("/")[0]);
    return [...new Set(names)].map((name) => ({ bucket: `arn:aws:s3:::${name}`, objects: `arn:aws:s3:::${name}/any-object` }));
}

function deniesInsecureTransport(statement: Statement): boolean {
    return (
        isDeny(statement) &&
        grantsEveryone(statement.principal) &&
        (statement.action?.values ?? []).some(everyS3Action) &&
        statement.conditions.some(
            (condition) =>
                condition.keyLower === "aws:securetransport" &&
                condition.baseOperator === "bool" &&
                !condition.setQualifier &&
                (condition.hasUnknown || condition.values.some((value) => value.toLowerCase() === "false")),
        )
    );
}

function tlsCoverage(located: ReadableDocument, bucketName: string | undefined): { bucket: boolean; objects: boolean } {
    const coverage = { bucket: false, objects: false };
    for (const statement of located.document.statements.filter(deniesInsecureTransport)) {
        if (!statement.resource || statement.resource.hasUnknown) return { bucket: true, objects: true };
        const resources = statement.resource.values.map((resource) => resource.replace(/^arn:aws[\w-]*:/, "arn:aws:"));
        for (const arns of bucketArns(bucketName, resources)) {
            coverage.bucket ||= resources.some((resource) => wildcardMatch(resource, arns.bucket));
            coverage.objects ||= resources.some((resource) => wildcardMatch(resource, arns.objects));
        }
    }
    return coverage;
}

export const bucketPolicyTlsOnly = documentRule({
    name: "s3-bucket-policy-tls-only",
    description:
        'A bucket policy denies requests without TLS (Deny, Principal "*", s3:*, Bool aws:SecureTransport "false") ' +
        "on both the bucket ARN and bucket/*. cdk-nag AwsSolutions-S10; AWS Config S3_BUCKET_SSL_REQUESTS_ONLY.",
    documents: ["bucket"],
    check: (located, { props }) => {
        const bucketName = asString(props.bucket)?.replace(S3_ARN_PREFIX, "");
        const coverage = tlsCoverage(located, bucketName);
        if (coverage.bucket && coverage.objects) return [];
        const missing =
            !coverage.bucket && !coverage.objects
                ? "the bucket and its objects"
                : !coverage.bucket
                  ? "the bucket ARN (only its objects are covered)"
                  : "its objects, bucket/* (only the bucket ARN is covered)";
        const name = bucketName ?? "<bucket>";
        return [
            `${located.location} does not deny requests without TLS on ${missing}. ` +
                `Fix: add {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::${name}", "arn:aws:s3:::${name}/*"], ` +
                '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}.',
        ];
    },
});

/** Actions that change how a bucket is governed (its policy, ACL, settings, existence) rather than its objects. */
const isBucketAdministration = (action: ActionInfo): boolean =>
    action.resourceTypes.includes("bucket") && (action.accessLevel === "Write" || action.accessLevel.includes("Permissions management"));

/** The statement's action patterns that reach bucket administration, each with examples for the message. */
const administrationGrants = (statement: Statement): Promise<string[]> => actionGrants(statement, "s3", isBucketAdministration);

export const crossAccountNoBucketAdministration = documentRule({
    name: "s3-cross-account-no-bucket-admin",
    description:
        "A bucket policy gives other accounts no bucket-administration actions (PutBucketPolicy, DeleteBucket, PutBucketAcl, " +
        "PutBucketPublicAccessBlock, s3:* ...). AWS Config S3_BUCKET_BLACKLISTED_ACTIONS_PROHIBITED (Checkov has no bucket-policy " +
        "equivalent; its CKV_AWS_109 checks identity policies for permissions management without constraints).",
    documents: ["bucket"],
    check: async (located, context) => {
        const findings: string[] = [];
        for (const statement of located.document.statements.filter(isAllow)) {
            const foreign = awsPrincipals(statement.principal)
                .filter(({ account }) => isCrossAccount(account, context.ownAccounts))
                .map(({ principal }) => principal);
            if (foreign.length === 0) continue;
            const grants = await administrationGrants(statement);
            if (grants.length === 0) continue;
            findings.push(
                `${at(located, statement)}: grants bucket-administration action${grants.length > 1 ? "s" : ""} ${grants.join(", ")} ` +
                    `to principals of other accounts (${quoted(foreign)}). Fix: grant other accounts only object-level access such as ` +
                    '"s3:GetObject", "s3:PutObject" and "s3:ListBucket"; administer the bucket from its own account.',
            );
        }
        return findings;
    },
});

/** 20 KB, counted like IAM counts policies (whitespace excluded). */
const BUCKET_POLICY_LIMIT = 20480;

export const bucketPolicySize = documentRule({
    name: "s3-bucket-policy-size",
    description: "A bucket policy fits the S3 limit of 20 KB.",
    documents: ["bucket"],
    check: (located) =>
        oversize(
            located,
            "S3 bucket policy limit (20 KB)",
            BUCKET_POLICY_LIMIT,
            "merge statements, use ARN wildcards or aws:PrincipalOrgID instead of listing principals, or use access points.",
        ),
});

const bucketName = (bucket: StackEntry): string => nameOf(bucket, "bucket");

/**
 * A stack rule over every bucket and its companion configuration resources (public access block,
 * ownership controls, encryption): `problem` returns what is wrong, or undefined.
 */
function everyBucket(spec: {
    name: string;
    description: string;
    companions: ResourceClass[];
    problem: (companions: StackEntry[], bucket: StackEntry) => string | undefined;
}): StackValidationPolicy {
    return stackRule({
        name: spec.name,
        description: spec.description,
        check: (entries) => {
            const companions = companionsByBucket(entries, spec.companions);
            return ofClass(entries, BUCKET_CLASSES).flatMap((bucket): StackFinding[] => {
                const problem = spec.problem(companions.get(bucket.urn) ?? [], bucket);
                return problem ? [{ urn: bucket.urn, message: problem }] : [];
            });
        },
    });
}

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const bucketPublicAccessBlock = everyBucket({
    name: "s3-bucket-public-access-block",
    description:
        "Every bucket has a BucketPublicAccessBlock with all four flags set. cdk-nag AwsSolutions-S2; " +
        "Checkov CKV_AWS_53 / CKV_AWS_55 / CKV_AWS_56 / CKV2_AWS_6.",
    companions: [aws.s3.BucketPublicAccessBlock],
    problem: (blocks, bucket) => {
        const fix = "Fix: set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.";
        if (blocks.length === 0) {
            return (
                `bucket "${bucketName(bucket)}" has no BucketPublicAccessBlock. Fix: add an aws.s3.BucketPublicAccessBlock for it ` +
                "with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets set to true."
            );
        }
        const offFlags = blocks.map((block) =>
            PUBLIC_ACCESS_FLAGS.filter((flag) => {
                const value = asBoolean(block.props[flag], false);
                if (isUnknown(value)) unknownUntilApply([flag]);
                return value !== true;
            }),
        );
        if (offFlags.some((off) => off.length === 0)) return undefined;
        return `bucket "${bucketName(bucket)}": its BucketPublicAccessBlock leaves ${offFlags[0].join(", ")} off. ${fix}`;
    },
});

function objectOwnership(controls: StackEntry): Value {
    const rule = controls.props.rule;
    return asRecord(Array.isArray(rule) ? rule[0] : rule)?.objectOwnership;
}

export const bucketOwnershipEnforced = everyBucket({
    name: "s3-bucket-ownership-enforced",
    description: 'Every bucket disables ACLs with BucketOwnershipControls objectOwnership "BucketOwnerEnforced". Checkov CKV2_AWS_65.',
    companions: [aws.s3.BucketOwnershipControls],
    problem: (controls, bucket) => {
        if (controls.length === 0) {
            return (
                `bucket "${bucketName(bucket)}" has no BucketOwnershipControls, so ACLs stay enabled. ` +
                'Fix: add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced".'
            );
        }
        const settings = controls.map(objectOwnership);
        if (settings.some((setting) => setting === "BucketOwnerEnforced")) return undefined;
        if (settings.some(isUnknown)) unknownUntilApply(["rule", "objectOwnership"]);
        const described = settings.map((setting) => (typeof setting === "string" ? `"${setting}"` : "not set")).join(", ");
        return (
            `bucket "${bucketName(bucket)}": objectOwnership is ${described}, so ACLs stay enabled. ` +
            'Fix: set rule.objectOwnership to "BucketOwnerEnforced".'
        );
    },
});

const SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

/** Encryption rules of a configuration resource (`rules`); a value not known yet stops the rule (preview). */
function encryptsByDefault(configuration: Value): boolean {
    if (isUnknown(configuration)) unknownUntilApply(["rules"]);
    const record = asRecord(configuration);
    if (!record) return false;
    if (isUnknown(record.rules)) unknownUntilApply(["rules"]);
    return listOf(record.rules).some((rule, index) => {
        if (isUnknown(rule)) unknownUntilApply(["rules", String(index)]);
        const algorithm = asRecord(asRecord(rule)?.applyServerSideEncryptionByDefault)?.sseAlgorithm;
        if (isUnknown(algorithm)) unknownUntilApply(["rules", String(index), "applyServerSideEncryptionByDefault", "sseAlgorithm"]);
        return typeof algorithm === "string" && SSE_ALGORITHMS.includes(algorithm);
    });
}

export const bucketDefaultEncryption = everyBucket({
    name: "s3-bucket-default-encryption",
    description:
        "Every bucket has a default encryption configuration (BucketServerSideEncryptionConfiguration with AES256 or aws:kms). " +
        "Checkov CKV_AWS_19; AWS Config S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED.",
    companions: ENCRYPTION_CLASSES,
    // Only the configuration resource counts: the bucket's own attribute is an output AWS fills with SSE-S3
    // on every new bucket (unknown in preview), so it says nothing about what the program asked for.
    problem: (configurations, bucket) =>
        configurations.some((configuration) => encryptsByDefault(configuration.props))
            ? undefined
            : `bucket "${bucketName(bucket)}" has no default encryption configuration. ` +
              'Fix: add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" (or "AES256").',
});

const LOGGING_CLASSES = [aws.s3.BucketLogging, aws.s3.BucketLoggingV2];

/** The bucket's own (deprecated) inline logging block, `logging` or `loggings`, when it names a target. */
const inlineLogTargets = (bucket: StackEntry): string[] =>
    [...listOf(bucket.props.logging), ...listOf(bucket.props.loggings)]
        .map((entry) => asString(asRecord(entry)?.targetBucket))
        .filter((target): target is string => target !== undefined);

export const bucketAccessLogging = stackRule({
    name: "s3-bucket-access-logging",
    description:
        "Every bucket has server access logging (a BucketLogging to a log bucket), except the log buckets themselves, so that " +
        "requests, cross-account ones included, can be audited. Checkov CKV_AWS_18; AWS Config S3_BUCKET_LOGGING_ENABLED.",
    enforcementLevel: "advisory",
    check: (entries) => {
        const loggings = companionsByBucket(entries, LOGGING_CLASSES);
        const buckets = ofClass(entries, BUCKET_CLASSES);
        const targets = new Set([
            ...ofClass(entries, LOGGING_CLASSES).map((logging) => asString(logging.props.targetBucket)?.replace(S3_ARN_PREFIX, "")),
            ...buckets.flatMap(inlineLogTargets),
        ]);
        return buckets
            .filter(
                (bucket) =>
                    !targets.has(bucketName(bucket)) &&
                    (loggings.get(bucket.urn) ?? []).length === 0 &&
                    inlineLogTargets(bucket).length === 0,
            )
            .map((bucket): StackFinding => ({
                urn: bucket.urn,
                message:
                    `bucket "${bucketName(bucket)}" has no server access logging. Fix: add an aws.s3.BucketLogging with ` +
                    "targetBucket set to the account's log bucket (which itself needs none).",
            }));
    },
});

export const s3Policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    bucketPolicyNoPublicPrincipal,
    bucketPolicyAllowedAccounts,
    bucketPolicyTlsOnly,
    crossAccountNoBucketAdministration,
    bucketPolicySize,
    bucketPublicAccessBlock,
    bucketOwnershipEnforced,
    bucketDefaultEncryption,
    bucketAccessLogging,
];
