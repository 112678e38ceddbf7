// Runs this repository's TypeScript under plain Node for the commands in package.json
// (`node -r ./tools/ts-register cli/plan.ts`) and for mocha (.mocharc.json `require`): each .ts file
// is transpiled by swc and the output kept in node_modules/.cache/crossaccount-ts, keyed by a hash of
// the source, the file name, the swc version and the options, so a run re-transpiles only what changed.
//
// Why not ts-node (still what the Pulumi CLI uses for the program and the pack): it transpiles
// every file on every run and installs source-map-support, which makes the stack trace Pulumi
// captures for every resource (Resource.callsites) expensive; together about a fifth of `npm start`
// on the reference organization. tsx (esbuild, cached) starts an ESM loader thread on Node 20 and
// was slower here. No type-checking happens at run time: `npm test` type-checks (tsc --noEmit).
//
// Stack traces point at the transpiled lines; run with NODE_OPTIONS=--enable-source-maps to map
// them back to the TypeScript (each cached file carries an inline source map).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const REPO_DIR = path.resolve(__dirname, "..", "..");
const CACHE_DIR = path.join(REPO_DIR, "node_modules", ".cache", "crossaccount-ts");

// tsconfig.json's compilerOptions as swc options (target ES2022, CommonJS, esModuleInterop, strict),
// the same mapping ts-node's swc transpiler makes, so code behaves alike here and under the Pulumi CLI.
const SWC_OPTIONS = {
    swcrc: false,
    sourceMaps: "inline",
    module: { type: "commonjs", noInterop: false, strictMode: true, ignoreDynamic: false },
    jsc: {
        parser: { syntax: "typescript", tsx: false, dynamicImport: true },
        target: "es2022",
        keepClassNames: true,
        transform: { useDefineForClassFields: true },
    },
};

// The version from package.json, not the loaded module: with a warm cache swc's native binding is never loaded.
const SWC_VERSION = require("@swc/core/package.json").version;
let swc;
let cacheWritable = true;

function transpile(source, filename) {
    swc ??= require("@swc/core");
    return swc.transformSync(source, { ...SWC_OPTIONS, filename }).code;
}

function cacheKey(source, filename) {
    return crypto
        .createHash("sha256")
        .update(`${SWC_VERSION}\0${JSON.stringify(SWC_OPTIONS)}\0${filename}\0${source}`)
        .digest("hex");
}

function compiled(source, filename) {
    const cached = path.join(CACHE_DIR, `${cacheKey(source, filename)}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not cached yet (or the cache is gone): transpile and keep it for the next run.
    }
    const code = transpile(source, filename);
    if (cacheWritable) {
        // Write then rename, so a concurrent run never reads half a file.
        const partial = `${cached}.${process.pid}.tmp`;
        try {
            fs.mkdirSync(CACHE_DIR, { recursive: true });
            fs.writeFileSync(partial, code);
            fs.renameSync(partial, cached);
        } catch {
            // A read-only checkout (or a full disk) still runs, transpiling every time; no half file stays behind.
            cacheWritable = false;
            fs.unlink(partial, () => undefined); // nothing to remove is fine too
        }
    }
    return code;
}

function register() {
    // Only .ts: dependencies ship JavaScript, which Node loads as it is.
    Module._extensions[".ts"] = function loadTypeScript(module, filename) {
        const source = fs.readFileSync(filename, "utf8");
        module._compile(compiled(source, filename), filename);
    };
}

register();

module.exports = { CACHE_DIR, SWC_OPTIONS, cacheKey, compiled, transpile };
