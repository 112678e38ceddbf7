// ESLint 9 flat config: typescript-eslint's recommended rules (syntactic, no type information, so the
// lint stays fast), with Prettier owning the layout (eslint-config-prettier turns off the rules it
// would contradict).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
    { ignores: ["**/node_modules/", "**/bin/", "**/*.d.ts"] },
    js.configs.recommended,
    tseslint.configs.recommended,
    prettier,
    {
        rules: {
            // `_name` marks a parameter or binding kept on purpose (an interface's signature, a skipped tuple slot).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
        },
    },
    {
        // Plain CommonJS scripts (preloaded with `node -r`).
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
