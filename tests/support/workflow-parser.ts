// GitHub's own workflow parser (@actions/workflow-parser, the one behind the Actions language service)
// for the tests that validate the generated workflows. Chosen because it is GitHub's: published from
// actions/languageservices (MIT, three small dependencies), it reads the YAML (anchors included) against
// GitHub's workflow schema and converts it the way the service does (needs, job ids, expressions).
// The alternatives are not GitHub's: SchemaStore's community JSON schema, or actionlint (a Go binary,
// not on the npm registry).
//
// The package is ESM and imports its JSON schema without an import attribute
// (`import WorkflowSchema from "../workflow-v1.0.min.json"`), which Node 20 refuses
// (ERR_IMPORT_ATTRIBUTE_MISSING / ERR_IMPORT_ASSERTION_TYPE_MISSING). The workaround: a module loader
// hook (module.register, Node >= 20.6) that adds `type: "json"` to imports of that package's own
// JSON files, and nothing else. The test "loads GitHub's parser on this Node" pins it.
import { register } from "module";
import type * as WorkflowParser from "@actions/workflow-parser";

const HOOKS = `
export async function load(url, context, nextLoad) {
    const attributes = context.importAttributes ?? context.importAssertions ?? {};
    if (url.includes("/node_modules/@actions/workflow-parser/dist/") && url.endsWith(".json") && attributes.type === undefined) {
        // Node 20.10+ names them importAttributes; 20.6-20.9 importAssertions.
        const key = "importAttributes" in context ? "importAttributes" : "importAssertions";
        return nextLoad(url, { ...context, [key]: { ...attributes, type: "json" } });
    }
    return nextLoad(url, context);
}
`;

let loaded: Promise<typeof WorkflowParser> | undefined;

/** The parser module, loaded once. */
export function workflowParser(): Promise<typeof WorkflowParser> {
    if (!loaded) {
        register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
        // A real dynamic import: this file is compiled to CommonJS, where `import()` would become require().
        const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<typeof WorkflowParser>;
        loaded = importEsm("@actions/workflow-parser");
    }
    return loaded;
}

export interface ParsedWorkflow {
    /** Every error the parser and the converter report, as `message` strings. */
    errors: string[];
    template: WorkflowParser.WorkflowTemplate;
}

/** Parses and converts a workflow file the way GitHub does, collecting every error. */
export async function parseWorkflowFile(name: string, content: string): Promise<ParsedWorkflow> {
    const parser = await workflowParser();
    const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
    const errors = result.context.errors.getErrors().map((error) => error.message);
    if (!result.value) return { errors, template: { errors: [], jobs: [], events: {} } as unknown as WorkflowParser.WorkflowTemplate };
    const template = await parser.convertWorkflowTemplate(result.context, result.value);
    return { errors: [...errors, ...(template.errors ?? []).map((error) => error.Message)], template };
}
