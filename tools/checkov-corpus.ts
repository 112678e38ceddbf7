// Measures the pack against Checkov's own test cases, transcribed as one stack export (the corpus is not in this
// repository: it is Checkov's, Apache-2.0, kept apart so that none of its cases become the project's tests).
//   node -r ./tools/ts-register tools/checkov-corpus.ts <corpus dir> [--config <file>] [--json] [--list]
// <corpus dir> holds checkov-corpus.json (the export) and checkov-expected.json (Checkov's verdict per resource).
// Prints, for the resources Checkov fails, how many are mandatory violations (or, for the read wildcards on "*"
// Checkov fails and the pack only advises on, advisories), and the resources the pack flags while Checkov passes,
// by rule, so each can be checked against the stricter rules policy-pack/README.md documents.
import { readFileSync } from "fs";
import * as path from "path";
import { DEFAULT_CONFIG } from "../plan/policy-check";
import { resourcesFromDocument } from "../plan/stack-state";
import { PolicyViolation, runPolicyPack } from "../policy-pack/engine";

interface Expectation {
    check: string;
    checkovVerdict: "PASS" | "FAIL";
    resource: string;
    related: string[];
    packRules: string[];
}

/** Rules whose advisory is the intended answer to a Checkov failure (read wildcards on "*"). */
const ADVISORY_ANSWERS = new Set(["iam-unscopable-wildcard"]);

export interface CorpusResult {
    urn: string;
    check: string;
    /** The pack rules the corpus lists as the counterpart of Checkov's check. */
    counterparts: string[];
    checkov: "PASS" | "FAIL";
    mandatory: string[];
    advisory: string[];
}

export interface CorpusSummary {
    failed: number;
    /** Checkov fails, the pack has a mandatory violation (or the advisory answer) on the resource. */
    caught: number;
    /** Of those, with a mandatory violation (the rest only have the advisory answer). */
    mandatory: number;
    /** Of those, caught by a rule the corpus lists as Checkov's counterpart (or the advisory answer). */
    caughtByCounterpart: number;
    missed: CorpusResult[];
    passed: number;
    /** Checkov passes, the pack has a mandatory violation on the resource. */
    stricter: CorpusResult[];
    stricterByRule: Record<string, number>;
}

export async function measure(
    corpusDir: string,
    config: Record<string, unknown>,
): Promise<{ results: CorpusResult[]; summary: CorpusSummary }> {
    const read = (file: string): unknown => JSON.parse(readFileSync(path.join(corpusDir, file), "utf8"));
    const expected = read("checkov-expected.json") as Record<string, Expectation>;
    const { resources } = resourcesFromDocument(read("checkov-corpus.json"));
    const violations = await runPolicyPack(resources, { config });
    const byUrn = new Map<string, PolicyViolation[]>();
    for (const violation of violations) {
        if (violation.urn) byUrn.set(violation.urn, [...(byUrn.get(violation.urn) ?? []), violation]);
    }
    const results = Object.entries(expected).map(([urn, expectation]): CorpusResult => {
        // A companion resource (the bucket of a public access block) carries the finding of the rule that relates them.
        const found = [
            ...(byUrn.get(urn) ?? []),
            ...expectation.related
                .flatMap((related) => byUrn.get(related) ?? [])
                .filter((violation) => expectation.packRules.includes(violation.policyName)),
        ];
        const rules = (level: string) => [...new Set(found.filter((v) => v.enforcementLevel === level).map((v) => v.policyName))].sort();
        return {
            urn,
            check: expectation.check,
            counterparts: expectation.packRules,
            checkov: expectation.checkovVerdict,
            mandatory: rules("mandatory"),
            advisory: rules("advisory"),
        };
    });
    const failed = results.filter((result) => result.checkov === "FAIL");
    const isCaught = (result: CorpusResult) => result.mandatory.length > 0 || result.advisory.some((rule) => ADVISORY_ANSWERS.has(rule));
    const stricter = results.filter((result) => result.checkov === "PASS" && result.mandatory.length > 0);
    const stricterByRule: Record<string, number> = {};
    for (const rule of stricter.flatMap((result) => result.mandatory)) stricterByRule[rule] = (stricterByRule[rule] ?? 0) + 1;
    return {
        results,
        summary: {
            failed: failed.length,
            caught: failed.filter(isCaught).length,
            mandatory: failed.filter((result) => result.mandatory.length > 0).length,
            caughtByCounterpart: failed.filter(
                (result) =>
                    result.mandatory.some((rule) => result.counterparts.includes(rule)) ||
                    result.advisory.some((rule) => ADVISORY_ANSWERS.has(rule)),
            ).length,
            missed: failed.filter((result) => !isCaught(result)),
            passed: results.length - failed.length,
            stricter,
            stricterByRule,
        },
    };
}

const shortName = (urn: string): string => urn.split("::").slice(3).join("::");

async function main(argv: string[]): Promise<number> {
    const [corpusDir] = argv.filter((arg, index) => !arg.startsWith("--") && argv[index - 1] !== "--config");
    if (!corpusDir) {
        process.stderr.write("usage: tools/checkov-corpus.ts <corpus dir> [--config <file>] [--json] [--list]\n");
        return 2;
    }
    const configIndex = argv.indexOf("--config");
    const configFile = configIndex >= 0 ? argv[configIndex + 1] : DEFAULT_CONFIG;
    const config = JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>;
    const { results, summary } = await measure(corpusDir, config);
    if (argv.includes("--json")) {
        process.stdout.write(`${JSON.stringify({ summary, results }, null, 2)}\n`);
        return 0;
    }
    const lines = [
        `Checkov FAIL: ${summary.failed}, caught by the pack: ${summary.caught} (${summary.mandatory} mandatory, ` +
            `${summary.caught - summary.mandatory} by the advisory; ${summary.caughtByCounterpart} by the counterpart rule), ` +
            `missed: ${summary.missed.length}`,
        ...summary.missed.map(
            (result) =>
                `  missed ${result.check} ${shortName(result.urn)}` +
                (result.advisory.length ? ` (advisory: ${result.advisory.join(", ")})` : ""),
        ),
        `Checkov PASS: ${summary.passed}, flagged mandatory by the pack: ${summary.stricter.length}`,
        ...Object.entries(summary.stricterByRule)
            .sort(([, a], [, b]) => b - a)
            .map(([rule, count]) => `  ${rule}: ${count}`),
        ...(argv.includes("--list")
            ? summary.stricter.map((result) => `  stricter ${result.check} ${shortName(result.urn)}: ${result.mandatory.join(", ")}`)
            : []),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: Error) => {
            process.stderr.write(`checkov-corpus: ${error.message}\n`);
            process.exitCode = 2;
        },
    );
}
