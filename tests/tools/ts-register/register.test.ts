// tools/ts-register: the loader of the npm scripts and of mocha. It must run TypeScript as ts-node does under
// the Pulumi CLI (CommonJS, esModuleInterop, ES2022 class fields) and transpile a file again only when it changed.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const loader = require("../../../tools/ts-register") as {
    CACHE_DIR: string;
    cacheKey(source: string, filename: string): string;
    compiled(source: string, filename: string): string;
};
const REPO_DIR = path.resolve(__dirname, "..", "..", "..");

const dirs: string[] = [];
function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-register-"));
    dirs.push(dir);
    return dir;
}

/** A checkout of its own in `dir`: the loader, swc (linked) and a probe.ts printing 42; its cache is dir/node_modules/.cache. */
function loaderCopy(dir: string): { loader: string; probe: string } {
    fs.mkdirSync(path.join(dir, "tools", "ts-register"), { recursive: true });
    fs.copyFileSync(path.join(REPO_DIR, "tools", "ts-register", "index.js"), path.join(dir, "tools", "ts-register", "index.js"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(REPO_DIR, "node_modules", "@swc"), path.join(dir, "node_modules", "@swc"));
    const probe = path.join(dir, "probe.ts");
    fs.writeFileSync(probe, "const answer: number = 42;\nprocess.stdout.write(`${answer}`);\n");
    return { loader: path.join(dir, "tools", "ts-register"), probe };
}

describe("tools/ts-register", () => {
    after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("runs a TypeScript file in a fresh node the way ts-node does (imports, default interop, class fields)", () => {
        const dir = tempDir();
        const file = path.join(dir, "probe.ts");
        fs.writeFileSync(
            file,
            [
                'import * as path from "path";',
                'import assert from "assert";',
                "class Box { readonly items: string[] = []; constructor(readonly name: string) {} }",
                "const box: Box = new Box(path.basename('/a/b.ts'));",
                "box.items.push(typeof assert.equal);",
                "process.stdout.write(JSON.stringify({ name: box.name, items: box.items, cls: Box.name }));",
            ].join("\n"),
        );
        const result = spawnSync(process.execPath, ["-r", path.join(REPO_DIR, "tools", "ts-register"), file], {
            cwd: REPO_DIR,
            encoding: "utf8",
        });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), { name: "b.ts", items: ["function"], cls: "Box" });
    });

    it("runs from a checkout whose cache cannot be written, transpiling and leaving nothing behind", () => {
        // A copy of the loader whose node_modules/.cache is a file: creating the cache directory fails even for root.
        const dir = tempDir();
        const { loader, probe } = loaderCopy(dir);
        fs.writeFileSync(path.join(dir, "node_modules", ".cache"), "not a directory");
        for (let run = 0; run < 2; run++) {
            const result = spawnSync(process.execPath, ["-r", loader, probe], { cwd: dir, encoding: "utf8" });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stdout, "42");
        }
        assert.equal(fs.readFileSync(path.join(dir, "node_modules", ".cache"), "utf8"), "not a directory");
        assert.deepEqual(fs.readdirSync(dir).sort(), ["node_modules", "probe.ts", "tools"]);
    });

    it("starts with no cache (a fresh clone), and runs started together leave one complete entry and no partial file", async () => {
        const dir = tempDir();
        const { loader, probe } = loaderCopy(dir);
        const run = () =>
            new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
                const child = spawn(process.execPath, ["-r", loader, probe], { cwd: dir });
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (chunk) => (stdout += chunk));
                child.stderr.on("data", (chunk) => (stderr += chunk));
                child.on("error", reject);
                child.on("close", (code) => resolve({ code, stdout, stderr }));
            });
        for (const result of await Promise.all([run(), run(), run()])) {
            assert.equal(result.code, 0, result.stderr);
            assert.equal(result.stdout, "42");
        }
        const cacheDir = path.join(dir, "node_modules", ".cache", "crossaccount-ts");
        const entries = fs.readdirSync(cacheDir);
        assert.equal(entries.length, 1, entries.join(", "));
        assert.match(entries[0], /^[0-9a-f]{64}\.js$/);
        // The entry is the whole transpiled file, with the source map --enable-source-maps reads.
        const cached = fs.readFileSync(path.join(cacheDir, entries[0]), "utf8");
        assert.match(cached, /process\.stdout\.write\(`\$\{answer\}`\);/);
        assert.match(cached, /\n\/\/# sourceMappingURL=data:application\/json;base64,[A-Za-z0-9+/=]+\s*$/);
    });

    it("keys the cache by the source and the file: an edit transpiles again, the same text does not", () => {
        const filename = path.join(REPO_DIR, "does-not-exist.ts");
        const key = loader.cacheKey("export const a: number = 1;", filename);
        assert.equal(loader.cacheKey("export const a: number = 1;", filename), key);
        assert.notEqual(loader.cacheKey("export const a: number = 2;", filename), key);
        assert.notEqual(loader.cacheKey("export const a: number = 1;", `${filename}x`), key);

        const source = `export const stamp: string = "${process.pid}-${Date.now()}";`;
        const code = loader.compiled(source, filename);
        const exported: { stamp?: string } = {};
        new Function("exports", "require", code)(exported, require);
        assert.equal(exported.stamp, source.split('"')[1]);
        const cached = path.join(loader.CACHE_DIR, `${loader.cacheKey(source, filename)}.js`);
        assert.equal(fs.readFileSync(cached, "utf8"), code);
        // A second load reads the cache: what is there is what runs.
        fs.writeFileSync(cached, "exports.stamp = 'from the cache';");
        assert.equal(loader.compiled(source, filename), "exports.stamp = 'from the cache';");
        fs.rmSync(cached);
    });
});
