// Reading generated workflows back: GitHub's parser for validity, the YAML itself for the data.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import { parse } from "yaml";
import { GeneratedWorkflows } from "../../../tools/workflows/generate";
import { parseWorkflowFile } from "../../support/workflow-parser";

export interface Step {
    id?: string;
    name?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, string | number | boolean>;
    env?: Record<string, string>;
}

export interface MatrixEntry {
    stack: string;
    account: string;
    region: string;
    role: string;
}

export interface Job {
    name?: string;
    needs?: string[];
    if?: string;
    environment?: string;
    permissions: Record<string, string>;
    strategy?: { "fail-fast": boolean; "max-parallel": number; matrix: { include: MatrixEntry[] } };
    steps: Step[];
}

export interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    concurrency: Record<string, unknown>;
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

/** The stacks of a job's matrix, or a failed assertion. */
export function matrixOf(job: Job): MatrixEntry[] {
    assert.ok(job.strategy, `${job.name ?? "a job"} has no matrix`);
    return job.strategy.matrix.include;
}

/** The job's step using `repository` (owner/name), or a failed assertion. */
export function stepUsing(job: Job, repository: string): Step & { with: Record<string, string | number | boolean> } {
    const step = job.steps.find((s) => s.uses?.startsWith(`${repository}@`));
    assert.ok(step, `no step uses ${repository}`);
    return { ...step, with: step.with ?? {} };
}

export function fileOf(generated: GeneratedWorkflows, name: "plan.yml" | "release.yml"): string {
    const file = generated.files.find((f) => path.basename(f.path) === name);
    assert.ok(file, `no ${name} generated`);
    return file.content;
}

/** The workflow as data, aliases resolved (a 1,000-account release.yml aliases its steps hundreds of times). */
export function read(content: string): Workflow {
    return parse(content, { maxAliasCount: -1 }) as Workflow;
}

/** Parses with GitHub's parser and fails on any error it reports. */
export async function assertValid(name: string, content: string): Promise<void> {
    const { errors, template } = await parseWorkflowFile(name, content);
    assert.deepEqual(errors, [], `${name}: GitHub's parser reports errors`);
    assert.ok(template.jobs.length > 0, `${name}: no jobs`);
}

/** The waves release.yml runs, in order: job after job along `needs:`, the stacks of each job's matrix. */
export function wavesOf(workflow: Workflow): string[][] {
    const waves: string[][] = [];
    let previous = "gate";
    for (;;) {
        const next = Object.entries(workflow.jobs).filter(([, job]) => (job.needs ?? []).includes(previous));
        if (next.length === 0) return waves;
        assert.equal(next.length, 1, `more than one job needs ${previous}: ${next.map(([id]) => id).join(", ")}`);
        const [id, job] = next[0];
        assert.ok(job.strategy, `${id} has no matrix`);
        const stacks = job.strategy.matrix.include.map((entry) => entry.stack);
        const wave = Number(/^wave-(\d+)/.exec(id)![1]);
        if (waves.length < wave) waves.push([]);
        waves[wave - 1].push(...stacks);
        previous = id;
    }
}

export function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "crossaccount-workflows-"));
}
