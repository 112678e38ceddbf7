// tools/ts-register: the loader of the npm scripts and of mocha. It must run TypeScript as ts-node does under
// the Pulumi CLI (CommonJS, esModuleInterop, ES2022 class fields) and transpile a file again only when it changed.
import { strict as assert } from "node:assert";
import { spawnSync } from "child_process";
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

describe("tools/ts-register", () => {
    it("runs a TypeScript file in a fresh node the way ts-node does (imports, default interop, class fields)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-register-"));
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
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-register-readonly-"));
        try {
            fs.mkdirSync(path.join(dir, "tools", "ts-register"), { recursive: true });
            fs.copyFileSync(path.join(REPO_DIR, "tools", "ts-register", "index.js"), path.join(dir, "tools", "ts-register", "index.js"));
            fs.mkdirSync(path.join(dir, "node_modules"));
            fs.symlinkSync(path.join(REPO_DIR, "node_modules", "@swc"), path.join(dir, "node_modules", "@swc"));
            fs.writeFileSync(path.join(dir, "node_modules", ".cache"), "not a directory");
            const file = path.join(dir, "probe.ts");
            fs.writeFileSync(file, "const answer: number = 42;\nprocess.stdout.write(`${answer}`);\n");
            for (let run = 0; run < 2; run++) {
                const result = spawnSync(process.execPath, ["-r", path.join(dir, "tools", "ts-register"), file], {
                    cwd: dir,
                    encoding: "utf8",
                });
                assert.equal(result.status, 0, result.stderr);
                assert.equal(result.stdout, "42");
            }
            assert.equal(fs.readFileSync(path.join(dir, "node_modules", ".cache"), "utf8"), "not a directory");
            assert.deepEqual(fs.readdirSync(dir).sort(), ["node_modules", "probe.ts", "tools"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
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
