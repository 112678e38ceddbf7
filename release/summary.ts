// Renders a release for people (text) and pipelines (JSON). Both go through `redact`: secret values
// (external IDs) never leave as plain text.
import { redact } from "../plan/report";
import { ChangeCounts, GateEntry, PolicyFinding, ReleaseResult, StackResult } from "./types";
import type { StackOutputs } from "../program/outputs";

/** The outputs worth a line in the summary: what other accounts and people use. */
export const KEY_OUTPUTS: readonly (keyof StackOutputs)[] = [
    "roleArns",
    "bucketNames",
    "functionArns",
    "repositoryUrls",
    "snapshotArns",
    "auditBucketName",
    "auditKmsKeyArn",
    "trailArn",
    "alarmTopicArn",
    "vpcId",
    "peeringConnectionIds",
];

export const OFFLINE_BANNER =
    'OFFLINE: nothing was deployed. The plan engine stood in for the Pulumi CLI; "updated" means planned and its outputs recorded for the stacks that read it.';

/** `roleArns.UpdateApp = arn:...`: one entry per key output value, nested maps flattened one level. */
export function keyOutputs(outputs: Record<string, unknown>): [string, string][] {
    const lines: [string, string][] = [];
    for (const key of KEY_OUTPUTS) {
        const value = outputs[key];
        if (value === undefined || value === null) continue;
        if (typeof value === "object" && !Array.isArray(value)) {
            for (const [name, inner] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) {
                lines.push([`${key}.${name}`, text(inner)]);
            }
        } else {
            lines.push([key, text(value)]);
        }
    }
    return lines;
}

/** "create 3, update 1" (unchanged resources left out); "no changes" when nothing changes. */
export function formatChanges(changes: Record<string, number | undefined>): string {
    const parts = Object.entries(changes)
        .filter(([op, n]) => op !== "same" && (n ?? 0) > 0)
        .map(([op, n]) => `${op} ${n}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

export function renderText(result: ReleaseResult, secrets: Iterable<string> = []): string {
    const out: string[] = [];
    out.push(
        `crossaccount release${result.previewOnly ? " (preview only)" : ""}: ${result.runner === "offline" ? "offline, plan engine" : "Pulumi CLI (Automation API)"}`,
    );
    if (result.runner === "offline") out.push(OFFLINE_BANNER);
    out.push(`Order: ${result.waves.length > 0 ? result.waves.map((w) => w.join(" + ")).join(" -> ") : "(not determined)"}`);

    out.push("", "== Gate: preview of every stack under the policy pack");
    if (result.gate.error) out.push(`ERROR: ${result.gate.error}`);
    if (result.gate.entries.length > 0) {
        out.push(
            table(
                ["stack", "gate", "by", "changes", "policy", "duration"],
                result.gate.entries.map((e) => [
                    e.stack,
                    e.status,
                    e.previewedBy ?? "-",
                    e.preview ? changesText(e.preview.changes, e.preview.error) : "-",
                    e.preview ? policyCounts(e.preview.policy) : "-",
                    e.preview ? seconds(e.preview.seconds) : "-",
                ]),
            ),
        );
    }
    for (const entry of result.gate.entries) out.push(...gateDetails(entry));
    const gateFindings = result.gate.entries.flatMap((e) => (e.preview?.policy ?? []).map((p) => ({ stack: e.stack, ...p })));
    out.push(
        ...findingLines(
            "Mandatory policy violations",
            gateFindings.filter((f) => f.enforcementLevel === "mandatory"),
        ),
    );
    out.push(
        ...findingLines(
            "Advisory policy events",
            gateFindings.filter((f) => f.enforcementLevel === "advisory"),
        ),
    );
    out.push(`Gate: ${result.gate.ok ? "PASSED" : "FAILED"}${result.gate.ok ? "" : " - nothing was updated"}`);

    out.push("", `== ${result.previewOnly ? "Stacks (preview only: nothing is updated)" : "Updates"}`);
    out.push(
        table(
            ["stack", "status", "changes", "policy", "duration"],
            result.stacks.map((s) => [
                s.stack,
                s.status,
                s.update ? changesText(s.update.changes, s.update.error) : "-",
                s.update ? policyCounts(s.update.policy) : "-",
                s.update ? seconds(s.update.seconds + (s.preview?.seconds ?? 0)) : "-",
            ]),
        ),
    );
    for (const stack of result.stacks) out.push(...stackDetails(stack));
    // Policy events of the updates, except those the gate already named.
    const named = new Set(gateFindings.map(findingKey));
    const updateFindings = result.stacks
        .flatMap((s) => [...(s.preview?.policy ?? []), ...(s.update?.policy ?? [])].map((p) => ({ stack: s.stack, ...p })))
        .filter((f) => !named.has(findingKey(f)));
    out.push(...findingLines("Policy events not seen in the gate", updateFindings));

    const withOutputs = result.stacks.filter((s) => s.update?.ok);
    if (withOutputs.length > 0) {
        out.push("", "== Outputs");
        for (const stack of withOutputs) {
            const lines = keyOutputs(stack.update!.outputs);
            out.push(`${stack.stack}:${lines.length === 0 ? " (none of note)" : ""}`);
            for (const [key, value] of lines) out.push(`  ${key} = ${value}`);
        }
    }

    if (result.interrupted || result.cancellations.length > 0) {
        out.push("", "== Interrupted");
        if (result.cancellations.length === 0) out.push("no operation was running");
        for (const c of result.cancellations)
            out.push(`${c.stack} (${c.operation}): ${c.lock === "maybe-locked" ? "MAY BE LOCKED" : "lock released"}: ${c.detail}`);
    }

    out.push("", resultLine(result));
    return redact(out.join("\n"), secrets);
}

export function resultLine(result: ReleaseResult): string {
    const by = (status: StackResult["status"]) => result.stacks.filter((s) => s.status === status).map((s) => s.stack);
    const updated = by("updated");
    const parts = [
        `updated: ${list(updated)}`,
        `failed: ${list(by("failed"))}`,
        `cancelled: ${list(by("cancelled"))}`,
        `not started: ${list(by("not-started"))}`,
    ];
    const offline = result.runner === "offline" ? " (offline: nothing was deployed)" : "";
    const time = ` in ${seconds(result.seconds)}`;
    if (result.previewOnly && result.ok)
        return `Result: OK - gate passed for ${list(by("previewed"))}, nothing updated (preview only)${offline}${time}`;
    if (result.ok) return `Result: OK - ${parts[0]}${offline}${time}`;
    const reason = result.stopReason ? ` (${result.stopReason})` : "";
    const nothing = updated.length === 0 ? "NOTHING WAS UPDATED. " : "";
    return `Result: FAILED${reason}. ${nothing}${parts.join("; ")}${offline}${time}`;
}

/** The documented JSON shape of a release (see release/README.md). */
export function releaseToJson(result: ReleaseResult, secrets: Iterable<string> = []) {
    const preview = (p: GateEntry["preview"]) =>
        p && { ok: p.ok, changes: p.changes, policy: p.policy.map(finding), error: p.error ?? null, notes: p.notes, seconds: p.seconds };
    return redact(
        {
            ok: result.ok,
            mode: result.runner,
            deployed: result.runner === "automation" && result.stacks.some((s) => s.status === "updated"),
            previewOnly: result.previewOnly,
            order: result.waves,
            dependencies: result.dependencies,
            gate: {
                ok: result.gate.ok,
                error: result.gate.error ?? null,
                stacks: result.gate.entries.map((e) => ({
                    stack: e.stack,
                    status: e.status,
                    previewedBy: e.previewedBy ?? null,
                    reason: e.reason ?? null,
                    preview: preview(e.preview) ?? null,
                })),
            },
            stacks: result.stacks.map((s) => ({
                stack: s.stack,
                status: s.status,
                reason: s.reason ?? null,
                preview: preview(s.preview) ?? null,
                update: s.update
                    ? {
                          ok: s.update.ok,
                          changes: s.update.changes,
                          policy: s.update.policy.map(finding),
                          outputs: s.update.outputs,
                          keyOutputs: Object.fromEntries(keyOutputs(s.update.outputs)),
                          error: s.update.error ?? null,
                          notes: s.update.notes,
                          seconds: s.update.seconds,
                      }
                    : null,
            })),
            stopReason: result.stopReason ?? null,
            interrupted: result.interrupted,
            cancellations: result.cancellations,
            seconds: result.seconds,
        },
        secrets,
    );
}

function finding(p: PolicyFinding) {
    return {
        policyName: p.policyName,
        policyPack: p.policyPack ?? null,
        enforcementLevel: p.enforcementLevel,
        urn: p.urn ?? null,
        message: p.message,
    };
}

function gateDetails(entry: GateEntry): string[] {
    const lines: string[] = [];
    if (entry.status === "deferred") {
        lines.push(
            `  ${entry.stack}: deferred - ${entry.reason}; ${entry.previewedBy === "offline" ? "checked by the offline plan now, " : ""}previewed for real right before its update`,
        );
    }
    if (entry.preview?.error) lines.push(`  ${entry.stack}: ${entry.preview.error.replace(/\n/g, "\n    ")}`);
    for (const note of entry.preview?.notes ?? []) lines.push(`  ${entry.stack}: note: ${note}`);
    return lines;
}

function findingKey(f: PolicyFinding & { stack: string }): string {
    return JSON.stringify([f.stack, f.policyName, f.enforcementLevel, f.urn ?? null, f.message]);
}

function stackDetails(stack: StackResult): string[] {
    const lines: string[] = [];
    // Stacks not started share the release's stop reason, printed once in the result line.
    if (stack.reason && (stack.status === "failed" || stack.status === "cancelled"))
        lines.push(`  ${stack.stack}: ${stack.reason.replace(/\n/g, "\n    ")}`);
    if (stack.preview && !stack.preview.ok && stack.preview.error) lines.push(`  ${stack.stack}: preview: ${stack.preview.error}`);
    for (const note of stack.update?.notes ?? []) lines.push(`  ${stack.stack}: note: ${note}`);
    return lines;
}

function findingLines(title: string, findings: (PolicyFinding & { stack: string })[]): string[] {
    if (findings.length === 0) return [];
    const lines = [`${title}:`];
    for (const f of findings) {
        lines.push(`  [${f.stack}] ${f.enforcementLevel} ${f.policyName} ${f.urn ?? "(stack)"}`);
        lines.push(`      ${f.message.replace(/\n/g, "\n      ")}`);
    }
    return lines;
}

function changesText(changes: ChangeCounts, error?: string): string {
    if (error && Object.keys(changes).length === 0) return "error";
    return formatChanges(changes);
}

function policyCounts(policy: PolicyFinding[]): string {
    const mandatory = policy.filter((p) => p.enforcementLevel === "mandatory").length;
    const advisory = policy.length - mandatory;
    if (policy.length === 0) return "none";
    return [mandatory > 0 ? `${mandatory} mandatory` : "", advisory > 0 ? `${advisory} advisory` : ""].filter(Boolean).join(", ");
}

function seconds(value: number): string {
    return `${value.toFixed(1)} s`;
}

function list(stacks: string[]): string {
    return stacks.length === 0 ? "none" : stacks.join(", ");
}

function text(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function table(headers: string[], rows: string[][]): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
