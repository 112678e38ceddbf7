// `.github/workflows/release.yml`: on a push to the release branch or a manual dispatch,
//   1. `gate`: preview every stack under the policy pack (`npm run release -- --preview-only`); nothing
//      is updated unless every preview passes;
//   2. one job per wave of the stack order (plan/stack-graph.ts), `needs:` the previous wave, each a
//      matrix over that wave's stacks written out literally (a reviewer reads the release order in the
//      file; nothing is computed at run time) releasing one stack per entry
//      (`npm run release -- --stacks <stack> --yes`), at most `maxParallel` at once.
//
// GitHub runs at most 256 jobs from one matrix, so a wider wave is split into parts of equal size
// (ceil(n / ceil(n / 256)) stacks each) that run one after the other: part k `needs:` part k-1, which
// keeps `maxParallel` the bound on the whole wave (parts side by side would multiply it).
import { Organization } from "../../config";
import { ACTIONS, uses } from "./actions";
import { deployRoleArn } from "./deploy-role";
import { MATRIX_JOB_LIMIT, WorkflowSettings } from "./settings";

/** One matrix entry: a stack and where its credentials come from. */
export interface StackTarget {
    stack: string;
    account: string;
    region: string;
    role: string;
}

export interface WaveJob {
    id: string;
    /** 1-based wave of the stack order, and part of that wave. */
    wave: number;
    part: number;
    parts: number;
    stacks: StackTarget[];
    needs: string[];
}

type Json = Record<string, unknown>;

/** Splits `items` into the fewest parts of at most `limit`, of sizes differing by at most one. */
export function splitEvenly<T>(items: T[], limit = MATRIX_JOB_LIMIT): T[][] {
    const parts = Math.max(1, Math.ceil(items.length / limit));
    const base = Math.floor(items.length / parts);
    const larger = items.length % parts;
    const result: T[][] = [];
    let start = 0;
    for (let part = 0; part < parts; part++) {
        const size = base + (part < larger ? 1 : 0);
        result.push(items.slice(start, start + size));
        start += size;
    }
    return result;
}

export function stackTargets(organization: Organization, settings: WorkflowSettings): Map<string, StackTarget> {
    return new Map(
        Object.values(organization.environments).map((environment) => [
            environment.stack,
            {
                stack: environment.stack,
                account: environment.accountId,
                region: environment.region,
                role: deployRoleArn(organization, environment.name, settings.deployRoleName),
            },
        ]),
    );
}

/** The wave jobs, in order, for the waves of stack names. */
export function waveJobs(waves: string[][], targets: Map<string, StackTarget>): WaveJob[] {
    const jobs: WaveJob[] = [];
    let previous = "gate";
    waves.forEach((wave, index) => {
        const parts = splitEvenly(wave.map((stack) => targets.get(stack)!));
        parts.forEach((stacks, part) => {
            const id = parts.length === 1 ? `wave-${index + 1}` : `wave-${index + 1}-part-${part + 1}`;
            jobs.push({ id, wave: index + 1, part: part + 1, parts: parts.length, stacks, needs: [previous] });
            previous = id;
        });
    });
    return jobs;
}

/** How the waves over GitHub's matrix limit were split, e.g. "wave 2 (729 stacks) in 3 jobs of 243"; empty when none was. */
export function describeSplits(jobs: WaveJob[]): string[] {
    const split = jobs.filter((job) => job.parts > 1 && job.part === 1);
    return split.map((first) => {
        const parts = jobs.filter((job) => job.wave === first.wave);
        const sizes = [...new Set(parts.map((job) => job.stacks.length))].sort((a, b) => b - a).join(" or ");
        return `wave ${first.wave} (${parts.reduce((sum, job) => sum + job.stacks.length, 0)} stacks) in ${parts.length} jobs of ${sizes}`;
    });
}

export function releaseWorkflow(
    waves: string[][],
    targets: Map<string, StackTarget>,
    settings: WorkflowSettings,
    pulumiVersion: string,
): Json {
    const order = waves.flat();
    const gateStack = settings.gateStack ?? order[0];
    const gate = targets.get(gateStack);
    if (!gate) throw new Error(`gateStack: '${gateStack}' is not a stack of the project`);
    const secretsFlag =
        settings.secretsProvider === "passphrase" ? "" : ` --secrets-provider '${settings.secretsProvider.replace(/'/g, "'\\''")}'`;
    const environment = settings.githubEnvironment ? { environment: settings.githubEnvironment } : {};
    const setup = (target: Json, sessionName: string): Json[] => [
        { uses: uses(ACTIONS.checkout), with: { "persist-credentials": false } },
        { uses: uses(ACTIONS.setupNode), with: { "node-version": settings.nodeVersion, cache: "npm" } },
        { run: "npm ci --no-audit --no-fund" },
        // The policy pack installs on its own, as the Pulumi CLI loads it (TypeScript 5 and ts-node from its own lockfile).
        { run: "npm ci --no-audit --no-fund", "working-directory": "policy-pack" },
        { name: "Install the Pulumi CLI", uses: uses(ACTIONS.pulumi), with: { "pulumi-version": pulumiVersion } },
        {
            name: "AWS credentials (OIDC)",
            uses: uses(ACTIONS.configureAwsCredentials),
            with: {
                "role-to-assume": target.role,
                "aws-region": target.region,
                "allowed-account-ids": target.account,
                "role-session-name": sessionName,
                "role-duration-seconds": settings.sessionDurationSeconds,
            },
        },
    ];
    const permissions = () => ({ contents: "read", "id-token": "write" });
    // Every wave job runs the same steps on its matrix entry: one array, written once in the file as the
    // YAML anchor `release-steps` and aliased by the other wave jobs (GitHub reads anchors since
    // September 2025), which keeps a 1,000-account release.yml within GitHub's 500 KB per file.
    const waveSteps = [
        ...setup(
            { role: "${{ matrix.role }}", region: "${{ matrix.region }}", account: "${{ matrix.account }}" },
            "crossaccount-${{ matrix.stack }}-${{ github.run_id }}",
        ),
        {
            name: "Release ${{ matrix.stack }}",
            run: `npm run release -- --stacks "$STACK" --yes${secretsFlag}`,
            env: { STACK: "${{ matrix.stack }}" },
        },
    ];
    const jobs: Json = {
        gate: {
            name: "gate: preview every stack under the policy pack",
            "runs-on": settings.runsOn,
            ...environment,
            permissions: permissions(),
            steps: [
                {
                    name: "Check the release settings",
                    run: [
                        // The release's default backend is a directory inside the checkout, lost with the runner.
                        'if [ -z "$PULUMI_BACKEND_URL" ]; then echo "::error::set the repository variable PULUMI_BACKEND_URL (s3://..., https://api.pulumi.com, ...): the state must outlive the runner"; exit 1; fi',
                        ...(settings.secretsProvider === "passphrase"
                            ? [
                                  'if [ -z "$PULUMI_CONFIG_PASSPHRASE" ]; then echo "::error::set the secret PULUMI_CONFIG_PASSPHRASE (the stacks\' passphrase secrets provider)"; exit 1; fi',
                              ]
                            : []),
                    ].join("\n"),
                },
                ...setup({ role: gate.role, region: gate.region, account: gate.account }, "crossaccount-gate-${{ github.run_id }}"),
                {
                    name: "Preview every stack under the policy pack",
                    run: `npm run release -- --preview-only --parallel ${settings.maxParallel}${secretsFlag}`,
                },
            ],
        },
    };
    const wavesCount = waves.length;
    for (const job of waveJobs(waves, targets)) {
        jobs[job.id] = {
            name: `wave ${job.wave}/${wavesCount}${job.parts > 1 ? ` part ${job.part}/${job.parts}` : ""}: \${{ matrix.stack }}`,
            needs: job.needs,
            "runs-on": settings.runsOn,
            ...environment,
            permissions: permissions(),
            strategy: {
                // Running updates are never cancelled (that can leave a stack locked); a failure stops the next wave.
                "fail-fast": false,
                "max-parallel": settings.maxParallel,
                matrix: { include: job.stacks.map(({ stack, account, region, role }) => ({ stack, account, region, role })) },
            },
            steps: waveSteps,
        };
    }
    return {
        name: "release",
        on: { push: { branches: [settings.branch] }, workflow_dispatch: {} },
        // Every job states its own permissions; nothing by default.
        permissions: {},
        // One release at a time: a second one waits (GitHub keeps only the newest waiting run) and is never cancelled mid-update.
        concurrency: { group: "crossaccount-release", "cancel-in-progress": false },
        env: {
            PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
            PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
            ...(settings.secretsProvider === "passphrase" ? { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" } : {}),
        },
        jobs,
    };
}
