// The Lambda runtimes AWS publishes and the dates it deprecates them, once. The policy pack flags a
// function on a runtime whose creation or update is blocked (or soon will be); the program's config
// refuses one whose creation is blocked or will be within RUNTIME_NOTICE_DAYS (aws/ re-exports this).
//
// Source: AWS Lambda Developer Guide, "Lambda runtimes" (lambda-runtimes.html), tables "Supported
// runtimes" and "Deprecated runtimes", columns Deprecation / Block function create / Block function
// update. Only excerpts of that page could be read when this table was written (2026-12): the Node.js rows
// follow the AWS table as quoted in the project's reference notes, the newest runtimes follow endoflife.date's
// copy of AWS's dates. AWS moves these dates (it has extended blocks before): where its pages showed two
// dates for one block (nodejs20.x: create 1 June or 31 August 2026, update 1 July or 30 September 2026),
// the earlier is kept, so the check errs towards refusing. The public analogues keep tables like this one:
// Checkov CKV_AWS_363, tflint-ruleset-aws aws_lambda_function_deprecated_runtime, and cfn-lint's
// LmbdRuntimeLifecycle.json (rule E2531), whose dates the retired runtimes here follow. The runtimes on
// Amazon Linux 2 (java8.al2, java11, java17, python3.10, provided.al2) carry AL2's end of life (2026-06-30);
// AWS's page says they keep receiving critical patches after it: check those rows first when AWS moves them.

export const LAMBDA_RUNTIMES_SOURCE = 'AWS Lambda Developer Guide, "Lambda runtimes" (supported and deprecated runtimes tables)';

/**
 * The program's default: the newest Node.js runtime, whose creation AWS blocks last (2028-06-01);
 * the placeholder handler runs on any Node.js version.
 */
export const DEFAULT_LAMBDA_RUNTIME = "nodejs24.x";

/** How long before a block the config refuses a runtime and the pack warns about it. */
export const RUNTIME_NOTICE_DAYS = 90;

export interface LambdaRuntime {
    /** ISO dates (UTC, start of day). */
    deprecation: string;
    blockCreate: string;
    blockUpdate: string;
}

const runtime = (deprecation: string, blockCreate: string, blockUpdate: string): LambdaRuntime => ({
    deprecation,
    blockCreate,
    blockUpdate,
});

export const LAMBDA_RUNTIMES: Readonly<Record<string, LambdaRuntime>> = {
    // Node.js
    "nodejs24.x": runtime("2028-04-30", "2028-06-01", "2028-07-01"),
    "nodejs22.x": runtime("2027-04-30", "2027-06-01", "2027-07-01"),
    "nodejs20.x": runtime("2026-04-30", "2026-06-01", "2026-07-01"),
    "nodejs18.x": runtime("2025-09-01", "2026-02-03", "2026-03-09"),
    "nodejs16.x": runtime("2024-06-12", "2025-02-28", "2025-03-31"),
    "nodejs14.x": runtime("2023-12-04", "2024-07-09", "2025-02-28"),
    "nodejs12.x": runtime("2023-03-31", "2023-03-31", "2023-04-30"),
    "nodejs10.x": runtime("2021-07-30", "2021-07-30", "2022-02-14"),
    // Python
    "python3.14": runtime("2029-06-30", "2029-07-31", "2029-08-31"),
    "python3.13": runtime("2029-06-30", "2029-07-31", "2029-08-31"),
    "python3.12": runtime("2028-10-31", "2028-11-30", "2029-01-10"),
    "python3.11": runtime("2027-06-30", "2027-07-31", "2027-08-31"),
    "python3.10": runtime("2026-06-30", "2026-07-31", "2026-08-31"),
    "python3.9": runtime("2025-12-15", "2026-06-01", "2026-07-01"),
    "python3.8": runtime("2024-10-14", "2025-02-28", "2025-03-31"),
    "python3.7": runtime("2023-12-04", "2024-01-09", "2025-02-28"),
    "python3.6": runtime("2022-07-18", "2022-07-18", "2022-08-29"),
    // Java
    java25: runtime("2029-06-30", "2029-07-31", "2029-08-31"),
    java21: runtime("2029-06-30", "2029-07-31", "2029-08-31"),
    java17: runtime("2026-06-30", "2026-07-31", "2026-08-31"),
    java11: runtime("2026-06-30", "2026-07-31", "2026-08-31"),
    "java8.al2": runtime("2026-06-30", "2026-07-31", "2026-08-31"),
    java8: runtime("2024-01-08", "2024-02-08", "2025-02-28"),
    // .NET
    dotnet10: runtime("2028-11-14", "2028-12-14", "2029-01-15"),
    dotnet8: runtime("2026-11-10", "2026-12-10", "2027-01-11"),
    dotnet6: runtime("2024-11-12", "2025-02-28", "2025-05-31"),
    "dotnetcore3.1": runtime("2023-04-03", "2023-04-03", "2023-05-03"),
    // Ruby
    "ruby3.4": runtime("2028-03-31", "2028-04-30", "2028-05-31"),
    "ruby3.3": runtime("2027-03-31", "2027-04-30", "2027-05-31"),
    "ruby3.2": runtime("2026-03-31", "2026-06-01", "2026-07-01"),
    "ruby2.7": runtime("2023-12-07", "2024-01-09", "2025-02-28"),
    // OS-only runtimes (Go, Rust and custom runtimes)
    "provided.al2023": runtime("2029-06-30", "2029-07-31", "2029-08-31"),
    "provided.al2": runtime("2026-06-30", "2026-07-31", "2026-08-31"),
    provided: runtime("2024-01-08", "2024-02-08", "2025-02-28"),
    "go1.x": runtime("2024-01-08", "2024-02-08", "2025-02-28"),
};

export type RuntimeStatus =
    | { kind: "unknown" }
    | { kind: "supported"; runtime: LambdaRuntime }
    /** Creation or update blocked within RUNTIME_NOTICE_DAYS. */
    | { kind: "blocked-soon"; runtime: LambdaRuntime; action: "create" | "update"; date: string; days: number }
    | { kind: "blocked"; runtime: LambdaRuntime; action: "create" | "update"; date: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where a runtime stands on `now`. `action` is what is attempted: "create" (a new function, or the
 * config of one) is blocked first; "update" is what an existing function still needs.
 */
export function runtimeStatus(identifier: string, now: Date, action: "create" | "update" = "create"): RuntimeStatus {
    const entry = Object.prototype.hasOwnProperty.call(LAMBDA_RUNTIMES, identifier) ? LAMBDA_RUNTIMES[identifier] : undefined;
    if (!entry) return { kind: "unknown" };
    const date = action === "create" ? entry.blockCreate : entry.blockUpdate;
    const days = Math.ceil((Date.parse(`${date}T00:00:00Z`) - now.getTime()) / DAY_MS);
    if (days <= 0) return { kind: "blocked", runtime: entry, action, date };
    if (days <= RUNTIME_NOTICE_DAYS) return { kind: "blocked-soon", runtime: entry, action, date, days };
    return { kind: "supported", runtime: entry };
}

/** The runtimes whose creation is not blocked within the notice period on `now`, newest table order first. */
export function usableRuntimes(now: Date): string[] {
    return Object.keys(LAMBDA_RUNTIMES).filter((id) => runtimeStatus(id, now).kind === "supported");
}
