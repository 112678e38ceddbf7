// `.github/workflows/plan.yml`: on every pull request, `npm ci`, `npm test` and the offline plan
// (`npm start`: every stack under mocks, the policy pack, the access expectations), with no cloud
// credentials at all. The plan's Markdown report becomes ONE comment on the pull request, found again by
// a hidden marker and edited on each push, and the plan JSON is kept as an artifact.
//
// Two jobs so that only the one posting the comment may write to pull requests; it runs for pull
// requests from this repository (a fork's token cannot comment, and pull_request_target would run the
// fork's code with write access).
import { ACTIONS, uses } from "./actions";
import { WorkflowSettings } from "./settings";

export const COMMENT_MARKER = "<!-- crossaccount-plan -->";
/** The REST API refuses a comment body over 65,536 characters ("body is too long (maximum is 65536 characters)"). */
export const COMMENT_LIMIT = 65536;

type Json = Record<string, unknown>;

const COMMENT_SCRIPT = `const fs = require("fs");
const marker = ${JSON.stringify(COMMENT_MARKER)};
const limit = ${COMMENT_LIMIT};
const run = \`\${context.serverUrl}/\${context.repo.owner}/\${context.repo.repo}/actions/runs/\${context.runId}\`;
const footer = \`\\n\\n---\\nPlan JSON: artifact \\\`plan\\\` of [run \${context.runId}](\${run}) (commit \${context.payload.pull_request.head.sha.slice(0, 7)}).\`;
let report = fs.readFileSync("plan.md", "utf8");
const room = limit - marker.length - footer.length - 200;
if (report.length > room) report = \`\${report.slice(0, room)}\\n\\n**The report is cut here: it is longer than a comment may be.** The full report is in the artifact.\`;
const body = \`\${marker}\\n\${report}\${footer}\`;
const { owner, repo } = context.repo;
const issue_number = context.payload.pull_request.number;
const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
const previous = comments.find((comment) => comment.user?.type === "Bot" && comment.body?.startsWith(marker));
if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
else await github.rest.issues.createComment({ owner, repo, issue_number, body });`;

export function planWorkflow(settings: WorkflowSettings): Json {
    return {
        name: "plan",
        on: { pull_request: {} },
        permissions: {},
        // A new push supersedes the plan of the previous one.
        concurrency: { group: "crossaccount-plan-${{ github.event.pull_request.number }}", "cancel-in-progress": true },
        jobs: {
            plan: {
                name: "test and plan",
                "runs-on": settings.runsOn,
                permissions: { contents: "read" },
                outputs: { report: "${{ steps.plan.outputs.report }}" },
                steps: [
                    { uses: uses(ACTIONS.checkout), with: { "persist-credentials": false } },
                    { uses: uses(ACTIONS.setupNode), with: { "node-version": settings.nodeVersion, cache: "npm" } },
                    { run: "npm ci --no-audit --no-fund" },
                    // The policy pack installs on its own, as the Pulumi CLI loads it (TypeScript 5 and ts-node from its own lockfile).
                    { run: "npm ci --no-audit --no-fund", "working-directory": "policy-pack" },
                    { run: "npm test" },
                    {
                        id: "plan",
                        name: "Offline plan (policy pack, access expectations)",
                        // The report is posted even when the plan fails: that is when reviewers need it most.
                        run: [
                            "set +e",
                            "npm start -- --json plan.json --markdown plan.md",
                            "status=$?",
                            'if [ -s plan.md ]; then echo "report=true" >> "$GITHUB_OUTPUT"; fi',
                            'exit "$status"',
                        ].join("\n"),
                    },
                    {
                        name: "Keep the plan",
                        if: "${{ !cancelled() && steps.plan.outcome != 'skipped' }}",
                        uses: uses(ACTIONS.uploadArtifact),
                        with: { name: "plan", path: "plan.json\nplan.md", "if-no-files-found": "warn", "retention-days": 30 },
                    },
                ],
            },
            comment: {
                name: "plan comment",
                needs: ["plan"],
                if: "${{ !cancelled() && needs.plan.outputs.report == 'true' && github.event.pull_request.head.repo.full_name == github.repository }}",
                "runs-on": settings.runsOn,
                permissions: { "pull-requests": "write" },
                steps: [
                    { uses: uses(ACTIONS.downloadArtifact), with: { name: "plan" } },
                    { name: "Post or update the plan comment", uses: uses(ACTIONS.githubScript), with: { script: COMMENT_SCRIPT } },
                ],
            },
        },
    };
}
