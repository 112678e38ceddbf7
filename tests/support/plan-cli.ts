// Runs the plan command in-process with captured output.
import { Writable } from "stream";
import { main as planCli } from "../../cli/plan";

function capture() {
    let text = "";
    const stream = new Writable({ write: (chunk, _encoding, done) => ((text += chunk.toString()), done()) });
    return { stream, text: () => text };
}

export async function runPlanCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = capture();
    const stderr = capture();
    const code = await planCli(args, { stdout: stdout.stream, stderr: stderr.stream });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
}
