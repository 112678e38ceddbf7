// Mermaid's own parser, without a browser: mermaid.parse runs the real flowchart grammar, but mermaid
// loads DOMPurify, which needs a window when the module loads. A jsdom window is put on the globals
// for that load only, so no other test sees a browser-like global.
import { JSDOM } from "jsdom";

type Mermaid = { parse(text: string): Promise<unknown> };
let loaded: Mermaid | undefined;

function load(): Mermaid {
    if (loaded) return loaded;
    const globals = globalThis as Record<string, unknown>;
    const saved = { window: globals.window, document: globals.document };
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    globals.window = dom.window;
    globals.document = dom.window.document;
    try {
        // mermaid is an ES module; Node 20 loads it with require.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        loaded = (require("mermaid") as { default: Mermaid }).default;
    } finally {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete globals[key];
            else globals[key] = value;
        }
    }
    return loaded;
}

/** Resolves when mermaid accepts the source, rejects with mermaid's parse error otherwise. */
export async function parseMermaid(source: string): Promise<void> {
    await load().parse(source);
}
