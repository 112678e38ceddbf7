// Tables for the terminal (wrapped to a width) and for Markdown.

/** Terminal reports fit this many columns. */
export const TEXT_WIDTH = 100;
const GAP = 2;
const MIN_COLUMN = 10;

/** The longest word a column would rather not break (capped: ARNs break after ":" and "/"). */
const MAX_UNBROKEN = 30;

/** Pieces of a word too long for a line: broken after ":", "/", "," or "-", else cut. */
function pieces(word: string, width: number): string[] {
    const parts = word.match(/[^:/,-]*[:/,-]*/g)!.filter((p) => p.length > 0);
    const out: string[] = [];
    let current = "";
    for (let part of parts) {
        if (current.length + part.length > width && current.length > 0) {
            out.push(current);
            current = "";
        }
        while (part.length > width) {
            out.push(part.slice(0, width));
            part = part.slice(width);
        }
        current += part;
    }
    if (current) out.push(current);
    return out;
}

/** Breaks text into lines of at most `width`, between words where possible. */
export function wrapText(text: string, width: number): string[] {
    const out: string[] = [];
    for (const paragraph of text.split("\n")) {
        let line = "";
        for (const word of paragraph.split(" ")) {
            const candidate = line ? `${line} ${word}` : word;
            if (candidate.length <= width) {
                line = candidate;
                continue;
            }
            if (line) out.push(line);
            const broken = word.length > width ? pieces(word, width) : [word];
            out.push(...broken.slice(0, -1));
            line = broken[broken.length - 1] ?? "";
        }
        out.push(line);
    }
    return out;
}

/** Column widths that fit `maxWidth`, taking from the widest columns first. */
function fitWidths(natural: number[], minimum: number[], maxWidth: number): number[] {
    const widths = [...natural];
    const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
    for (const floor of [minimum, minimum.map(() => MIN_COLUMN)]) {
        while (total() > maxWidth) {
            let widest = -1;
            widths.forEach((w, i) => {
                if (w > floor[i] && (widest < 0 || w > widths[widest])) widest = i;
            });
            if (widest < 0) break;
            widths[widest]--;
        }
    }
    return widths;
}

/** A plain-text table whose cells wrap so that no line is wider than `maxWidth`. */
export function textTable(headers: string[], rows: string[][], maxWidth = TEXT_WIDTH): string {
    const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...r[i].split("\n").map((l) => l.length)))));
    const longestWord = (i: number) => Math.max(...rows.map((r) => Math.max(...r[i].split(/\s+/).map((w) => w.length))));
    const minimum = headers.map((h, i) => Math.min(natural[i], Math.max(h.length, MIN_COLUMN, Math.min(longestWord(i), MAX_UNBROKEN))));
    const widths = fitWidths(natural, minimum, maxWidth);
    const render = (cells: string[]) => {
        const wrapped = cells.map((c, i) => wrapText(c, widths[i]));
        const height = Math.max(...wrapped.map((w) => w.length));
        return Array.from({ length: height }, (_, line) =>
            wrapped
                .map((w, i) => (w[line] ?? "").padEnd(widths[i]))
                .join(" ".repeat(GAP))
                .trimEnd(),
        );
    };
    return [...render(headers), widths.map((w) => "-".repeat(w)).join(" ".repeat(GAP)), ...rows.flatMap(render)].join("\n");
}

/** Lines indented by `indent`, wrapped to `maxWidth`. */
export function wrapIndented(text: string, indent: string, maxWidth = TEXT_WIDTH): string[] {
    return wrapText(text, maxWidth - indent.length).map((l) => `${indent}${l}`);
}

export function markdownTable(headers: string[], rows: string[][]): string {
    const escape = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
    return [
        `| ${headers.join(" | ")} |`,
        `| ${headers.map(() => "---").join(" | ")} |`,
        ...rows.map((r) => `| ${r.map(escape).join(" | ")} |`),
    ].join("\n");
}
