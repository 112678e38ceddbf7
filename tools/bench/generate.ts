// A synthetic organization of N accounts for the benchmark (cli/bench.ts), shaped like the
// reference organization (Pulumi.dev/test/prod.yaml):
//
// - one hub, `env000`, like prod: the product-images and productionapp buckets, the ImageSharingRole,
//   UpdateApp and AppReadOnly roles, and the organization's central audit bucket;
// - every other environment `envNNN` like dev: groups Developers and Testers, an ImageSharingRole,
//   assume-role grants (Developers allow UpdateApp, Testers allow AppReadOnly and are denied
//   UpdateApp), a trail into the hub's audit bucket, a VPC with its own /16, and a peering with its
//   predecessor when i is even (env 2k peers with env 2k-1, the way test peers with dev): pairs, not a chain,
//   so the stacks fall into three waves (hub, odd, even) whatever N;
// - every environment has a GitHubActionsDeploy role trusted through its account's GitHub OIDC provider by
//   one repository (branch main; the hub: environment production), and the hub's UpdateApp is also
//   reachable from the first partner's Identity Center permission set ReleaseManager;
// - each non-hub environment also owns a `team-assets` bucket that its neighbours' ImageSharingRoles
//   may read, so cross-account grants grow with the organization without piling onto the hub.
//
// - every environment's trail also delivers to CloudWatch Logs, where the activity alarms watch it, and the
//   hub carries the AWS Config rule for blocked managed policies.
//
// Size limits: the hub's UpdateApp/AppReadOnly trust policies (2,048 characters) and its
// product-images bucket policy (20 KB) cannot name every account of a large organization, so the hub
// trusts and grants only its first HUB_PARTNERS environments ("partners"); the others reach the hub
// only through its audit bucket. The audit bucket and key policies are scoped by the organization (issue 15)
// and the alarms' AssumeRole filter by role name, so neither bounds the organization's size; the address
// plan does (MAX_ACCOUNTS).
//
// N=3 is deliberately not a byte-for-byte copy of the reference organization: every non-hub
// environment has the same shape here (the reference's test has no Developers group and no bucket),
// so resource counts are exactly linear in N (see expectedResourceCounts). The benchmark times the
// reference organization itself separately.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { RDS_SNAPSHOT_SHARE_ACCOUNTS } from "../../aws";
import { environmentAccessExpectations, hubAccessExpectations } from "./expectations";

export const REPO_DIR = path.resolve(__dirname, "..", "..");

/** The hub uses the reference prod account, so policy config overrides keyed by it apply unchanged. */
export const HUB_ACCOUNT_ID = "999999999999";
/** How many non-hub environments the hub trusts (UpdateApp, AppReadOnly) and grants product-images to. */
export const HUB_PARTNERS = 32;
/** 10.0.0.0/8 holds 4,096 disjoint /20 blocks, one per environment (two /24 subnets each). */
const CIDR_BLOCKS = 4096;
/** The address plan's bound; the shared documents no longer bound the organization (issue 15). */
export const MAX_ACCOUNTS = CIDR_BLOCKS;

export const REGION = "us-east-1";
export const ORG_ID = "o-a1b2c3d4e5";
export const TRAIL_NAME = "org-audit";
export const AUDIT_BUCKET_KEY = "audit-logs";
export const TEAM_BUCKET_KEY = "team-assets";
export const ALARM_TOPIC = "org-activity";
export const POLICY_CONFIG_FILE = "policy-config.json";

/** Even environments peer with their predecessor: pairs keep the stack graph three waves deep at any size. */
export function peersWithPredecessor(index: number): boolean {
    return index >= 2 && index % 2 === 0;
}

export function environmentName(index: number): string {
    return `env${String(index).padStart(3, "0")}`;
}

/** 12 digits, unique: the hub is 999999999999, env i (i >= 1) 1000000000ii. */
export function accountIdOf(index: number): string {
    return index === 0 ? HUB_ACCOUNT_ID : String(100000000000 + index);
}

/** A /20 per environment, pairwise disjoint: 10.<i / 16>.<16 (i mod 16)>.0/20. */
export function vpcCidr(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= CIDR_BLOCKS) {
        throw new Error(`no private /20 left for environment ${index} (at most ${CIDR_BLOCKS})`);
    }
    return `10.${index >> 4}.${(index & 15) << 4}.0/20`;
}

function subnets(cidr: string): string[] {
    const [a, b, c] = cidr.split(".");
    return [`${a}.${b}.${c}.0/24`, `${a}.${b}.${Number(c) + 1}.0/24`];
}

export interface GeneratedOrganization {
    dir: string;
    accounts: number;
    /** Environment (= stack) names, hub first. */
    environments: string[];
    hub: string;
    partners: string[];
    accountIds: Record<string, string>;
    /** The policy pack config for this organization (written to POLICY_CONFIG_FILE in dir). */
    policyConfig: Record<string, unknown>;
    policyConfigFile: string;
    expectations: number;
    /** Custom resources per stack as the report counts them (custom, type not pulumi:*). */
    expectedResources: Record<string, number>;
}

type Config = Record<string, unknown>;

export interface GenerateOptions {
    /** How many environments the hub trusts and grants to (default HUB_PARTNERS); smaller values exercise non-partners in small organizations. */
    partners?: number;
    /**
     * Allows more than MAX_ACCOUNTS accounts, for tests that need only the organization's stack graph.
     * The environments past the address plan's /20 blocks (CIDR_BLOCKS) get no network, hence no peering.
     */
    beyondLimits?: boolean;
}

/** Writes Pulumi.yaml, Pulumi.env000.yaml ... and policy-config.json into `dir` (created if missing). */
export function generateOrganization(n: number, dir: string, options: GenerateOptions = {}): GeneratedOrganization {
    const partnerCount = options.partners ?? HUB_PARTNERS;
    if (!Number.isInteger(partnerCount) || partnerCount < 1 || partnerCount > HUB_PARTNERS) {
        throw new Error(
            `partners must be between 1 and ${HUB_PARTNERS} (the hub's trust policies must stay within 2,048 characters), got ${partnerCount}`,
        );
    }
    if (!Number.isInteger(n) || n < 2) throw new Error(`an organization needs at least 2 accounts (a hub and one environment), got ${n}`);
    if (n > MAX_ACCOUNTS && !options.beyondLimits) {
        throw new Error(`at most ${MAX_ACCOUNTS} accounts: the address plan gives each environment a /20 of 10.0.0.0/8`);
    }
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(REPO_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));

    const environments = Array.from({ length: n }, (_, i) => environmentName(i));
    const accountIds = Object.fromEntries(environments.map((name, i) => [name, accountIdOf(i)]));
    const hub = environments[0];
    const partners = environments.slice(1, 1 + partnerCount);
    const isPartner = (index: number) => index >= 1 && index <= partnerCount;
    const neighbours = (index: number) => [index - 1, index + 1].filter((j) => j >= 1 && j < n).map(environmentName);

    const common = (): Config => ({
        "aws:region": REGION,
        "crossaccount:organization": { accounts: accountIds, orgId: ORG_ID, deploymentRoleName: "OrganizationAccountAccessRole" },
        "crossaccount:tags": { Owner: "platform-team", Project: "crossaccount" },
        // Every environment's trail writes to the hub's bucket; the hub creates it.
        "crossaccount:audit": { trailName: TRAIL_NAME, bucket: `${hub}/bucket/${AUDIT_BUCKET_KEY}` },
        "crossaccount:alarms": { topicName: ALARM_TOPIC, subscriptions: [{ protocol: "email", endpoint: "security-alerts@example.com" }] },
    });

    let expectations = 0;
    const files: [string, Config, string][] = [];

    // The hub, like prod.
    const hubExpectations = hubAccessExpectations(hub, environments, isPartner);
    expectations += hubExpectations.length;
    files.push([
        hub,
        {
            ...common(),
            "crossaccount:buckets": [
                {
                    key: "product-images",
                    grants: [
                        { sid: "ImageSharingRolesRead", principals: partners.map((e) => `${e}/role/ImageSharingRole`), access: "read" },
                    ],
                },
                { key: "productionapp" },
            ],
            "crossaccount:roles": [
                imageSharingRole(hub, [hub], "Reads the product images of this account."),
                {
                    name: "UpdateApp",
                    description: "Lets partner Developers update the productionapp bucket's objects (MFA required).",
                    maxSessionDurationSeconds: 3600,
                    trust: {
                        accounts: partners,
                        requireMfa: true,
                        maxMfaAgeSeconds: 3600,
                        identityCenter: { permissionSets: ["ReleaseManager"], accounts: partners.slice(0, 1) },
                    },
                    permissions: [
                        { sid: "ListAllMyBuckets", actions: ["s3:ListAllMyBuckets"], resources: ["*"] },
                        {
                            sid: "ListProductionApp",
                            actions: ["s3:ListBucket", "s3:GetBucketLocation"],
                            buckets: [`${hub}/bucket/productionapp`],
                        },
                        {
                            sid: "ReadWriteProductionAppObjects",
                            actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                            objects: [`${hub}/bucket/productionapp`],
                        },
                    ],
                },
                {
                    name: "AppReadOnly",
                    description: "Read-only access to the productionapp bucket's objects for partner testers (MFA required).",
                    trust: { accounts: partners, requireMfa: true },
                    permissions: [
                        { sid: "ListProductionApp", actions: ["s3:ListBucket"], buckets: [`${hub}/bucket/productionapp`] },
                        { sid: "ReadProductionAppObjects", actions: ["s3:GetObject"], objects: [`${hub}/bucket/productionapp`] },
                    ],
                },
                githubDeployRole({ environments: ["production"] }),
            ],
            // Shared beyond S3, like prod: a function and a repository the partners' CI uses, and a snapshot
            // copy shared with as many partners as RDS allows.
            "crossaccount:functions": [
                {
                    name: "release-notifier",
                    description: "Receives release notifications from partner CI.",
                    timeoutSeconds: 10,
                    invokers: partners.map((e) => `${e}/role/CiBuild`),
                },
            ],
            "crossaccount:repositories": [
                {
                    name: "app-images",
                    grants: [{ sid: "PartnerCi", principals: partners.map((e) => `${e}/role/CiBuild`), access: "pull" }],
                },
            ],
            "crossaccount:snapshots": [
                { key: "appdb-baseline", source: "appdb-baseline-2026-01", sharedWith: partners.slice(0, RDS_SNAPSHOT_SHARE_ACCOUNTS) },
            ],
            "crossaccount:managedPolicyRule": { exceptRoles: ["OrganizationAccountAccessRole"] },
            "crossaccount:network": { cidr: vpcCidr(0), subnets: subnets(vpcCidr(0)) },
            "crossaccount:accessExpectations": hubExpectations,
        },
        "Hub account (like the reference prod): shared buckets, the roles partners assume, the central audit bucket.",
    ]);

    // Every other environment, like dev (and, for even ones, test: peering with its predecessor).
    for (let index = 1; index < n; index++) {
        const name = environments[index];
        const around = neighbours(index);
        const partner = isPartner(index);
        const readable = [...(partner ? [`${hub}/bucket/product-images`] : []), ...around.map((e) => `${e}/bucket/${TEAM_BUCKET_KEY}`)];
        const ownExpectations = around.length === 0 ? [] : environmentAccessExpectations(name, around[0], TEAM_BUCKET_KEY);
        expectations += ownExpectations.length;
        files.push([
            name,
            {
                ...common(),
                "crossaccount:groups": ["Developers", "Testers"],
                "crossaccount:roles": [
                    {
                        ...imageSharingRole(name, [name], "Reads the product images and assets shared with this account."),
                        permissions:
                            readable.length === 0
                                ? []
                                : [
                                      { sid: "ListSharedBuckets", actions: ["s3:ListBucket"], buckets: readable },
                                      { sid: "ReadSharedObjects", actions: ["s3:GetObject", "s3:GetObjectVersion"], objects: readable },
                                  ],
                    },
                    githubDeployRole({ branches: ["main"] }),
                    ...(partner
                        ? [
                              {
                                  name: "CiBuild",
                                  description: "CI builds; pull the hub's app images and invoke its release-notifier.",
                                  trust: { services: ["codebuild.amazonaws.com"] },
                                  invoke: [`${hub}/function/release-notifier`],
                                  pull: [`${hub}/repository/app-images`],
                              },
                          ]
                        : []),
                ],
                "crossaccount:buckets": [
                    {
                        key: TEAM_BUCKET_KEY,
                        ...(around.length === 0
                            ? {}
                            : {
                                  grants: [
                                      {
                                          sid: "NeighboursRead",
                                          principals: around.map((e) => `${e}/role/ImageSharingRole`),
                                          access: "read",
                                      },
                                  ],
                              }),
                    },
                ],
                "crossaccount:assumeRoleGrants": [
                    {
                        effect: "Allow",
                        groups: ["Developers"],
                        roles: [...(partner ? [`${hub}/role/UpdateApp`] : []), `${name}/role/ImageSharingRole`],
                    },
                    {
                        effect: "Allow",
                        groups: ["Testers"],
                        roles: [...(partner ? [`${hub}/role/AppReadOnly`] : []), `${name}/role/ImageSharingRole`],
                    },
                    { effect: "Deny", groups: ["Testers"], roles: [`${hub}/role/UpdateApp`] },
                ],
                ...(index < CIDR_BLOCKS
                    ? {
                          "crossaccount:network": {
                              cidr: vpcCidr(index),
                              subnets: subnets(vpcCidr(index)),
                              ...(peersWithPredecessor(index) ? { peerings: [{ peer: environments[index - 1] }] } : {}),
                          },
                      }
                    : {}),
                ...(ownExpectations.length > 0 ? { "crossaccount:accessExpectations": ownExpectations } : {}),
            },
            `Environment ${index} (like the reference dev${index >= CIDR_BLOCKS ? ", without a network" : peersWithPredecessor(index) ? `, peering with ${environments[index - 1]} like test` : ""})` +
                `${partner ? "; a hub partner" : "; not trusted by the hub"}.`,
        ]);
    }

    for (const [name, config, comment] of files) {
        const text = `# Generated by tools/bench/generate.ts (${n} accounts). ${comment}\n${stringify({ config }, { lineWidth: 0, aliasDuplicateObjects: false })}`;
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
    }
    const policyConfig = benchPolicyConfig(accountIds);
    const policyConfigFile = path.join(dir, POLICY_CONFIG_FILE);
    fs.writeFileSync(policyConfigFile, `${JSON.stringify(policyConfig, null, 2)}\n`);

    return {
        dir,
        accounts: n,
        environments,
        hub,
        partners,
        accountIds,
        policyConfig,
        policyConfigFile,
        expectations,
        expectedResources: expectedResourceCounts(n, partnerCount),
    };
}

export const GITHUB_REPOSITORY = "acme-platform/crossaccount";

/** The CI deploy role every account has (no permissions: the benchmark measures the trust). */
function githubDeployRole(refs: { branches?: string[]; environments?: string[] }) {
    return {
        name: "GitHubActionsDeploy",
        description: `GitHub Actions deployments of ${GITHUB_REPOSITORY}.`,
        trust: { github: [{ repository: GITHUB_REPOSITORY, ...refs }], session: { tagSession: true } },
    };
}

function imageSharingRole(env: string, trusted: string[], description: string) {
    return {
        name: "ImageSharingRole",
        description,
        trust: { accounts: trusted },
        permissions: [
            { sid: "ListProductImages", actions: ["s3:ListBucket"], buckets: [`${env}/bucket/product-images`] },
            { sid: "ReadProductImages", actions: ["s3:GetObject", "s3:GetObjectVersion"], objects: [`${env}/bucket/product-images`] },
        ],
    };
}

/**
 * The repository's policy pack config for the generated organization: every allowedAccountIds list is the
 * generated accounts, every environments map the generated environments, and overrides keyed by the
 * reference prod (its environment name or 999999999999) apply to the hub. The plan validates the config
 * against the organization, so nothing of the reference organization may remain.
 */
export function benchPolicyConfig(accounts: Record<string, string>, base = readRepoPolicyConfig()): Record<string, unknown> {
    const hub = environmentName(0);
    const replace = (value: unknown, parent?: string): unknown => {
        if (Array.isArray(value)) return value.map((entry) => replace(entry));
        if (value === null || typeof value !== "object") return value;
        return Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([key, entry]) => {
                if (key === "allowedAccountIds") return [key, Object.values(accounts)];
                if (key === "environments") return [key, { ...accounts }];
                const renamed = parent === "overrides" && (key === "prod" || key === "999999999999") ? hub : key;
                return [renamed, replace(entry, key)];
            }),
        );
    };
    return replace(base) as Record<string, unknown>;
}

function readRepoPolicyConfig(): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(REPO_DIR, "policy-pack", "config.json"), "utf8")) as Record<string, unknown>;
}

/**
 * Custom resources per stack, from the shape (types as components/ create them):
 * a SharedBucket is 6 (Bucket, BucketPublicAccessBlock, BucketOwnershipControls,
 * BucketServerSideEncryptionConfiguration, BucketVersioning, BucketPolicy); a CrossAccountRole 2
 * (Role, RolePolicy), 1 without permissions (the GitHubActionsDeploy role, with its account's OIDC provider: 2);
 * an assume-role grant 1 GroupPolicy per group; a trail 1; a network 6 (Vpc,
 * 2 Subnets, RouteTable, 2 RouteTableAssociations); a peering 6 (VpcPeeringConnection, Accepter,
 * 2 PeeringConnectionOptions, a Route on each side); the trail's CloudWatch Logs 3 (LogGroup, the delivery
 * role's Role and RolePolicy) and the alarms 11 (Topic, TopicPolicy, TopicSubscription, 4 LogMetricFilters, 4 MetricAlarms);
 * the Config rule 1; the function 4 (Function, its execution Role and RolePolicy, LogGroup), the repository 2
 * (Repository, RepositoryPolicy) and the snapshot copy 3 (ClusterSnapshot copy, its Key and Alias); a partner's
 * CiBuild 5 (Role, RolePolicy, its Lambda Permission through the hub's provider and what orders it after the role).
 * Hub: 3 buckets (product-images, productionapp, audit) + 3 roles + the log key and its alias + trail + logs + alarms
 * + Config rule + function + repository + snapshot + network + the deploy role and its OIDC provider
 * = 18+6+2+1+3+11+1+4+2+3+6+2 = 59.
 * Other: 2 groups + 3 GroupPolicies + 1 role (2) + team bucket (6) + trail + logs + alarms + network + deploy role
 * and provider = 36, plus 6 with
 * a peering, plus 5 for a partner's CiBuild.
 */
export function expectedResourceCounts(n: number, partners = HUB_PARTNERS): Record<string, number> {
    const counts: Record<string, number> = { [environmentName(0)]: 59 };
    for (let index = 1; index < n; index++) {
        counts[environmentName(index)] = 36 + (peersWithPredecessor(index) ? 6 : 0) + (index <= partners ? 5 : 0);
    }
    return counts;
}

/** Total custom resources of an n-account organization with P partners: 59 + 36 (n - 1) + 6 floor((n - 1) / 2) + 5 P. */
export function expectedTotalResources(n: number, partners = HUB_PARTNERS): number {
    return Object.values(expectedResourceCounts(n, partners)).reduce((sum, count) => sum + count, 0);
}
