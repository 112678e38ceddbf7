// Renders a plan for people (terminal, pull-request Markdown) and machines (JSON). Every rendering
// goes through `redact`: secret values (external IDs) never leave as plain text.
export { REDACTED, redact } from "../redact";
export { renderText } from "./text";
export { MARKDOWN_LIMIT, renderFailureMarkdown, renderMarkdown } from "./markdown";
export { SCHEMA_VERSION, failureJson, planSummary, planToJson } from "./json";
export { mermaidAccountGraph, mermaidResourceGraph } from "./graph";
