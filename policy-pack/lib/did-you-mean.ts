// Near-miss suggestions for messages about typos (settings, policy names, actions).

/** `, did you mean "requireMfa"?` for a near miss (case or a few edits), else "". */
export function didYouMean(given: string, candidates: string[]): string {
    const target = given.toLowerCase();
    let best: { name: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(target, candidate.toLowerCase());
        if (!best || distance < best.distance) best = { name: candidate, distance };
    }
    return best && best.distance <= Math.max(2, Math.floor(target.length / 4)) ? ` (did you mean "${best.name}"?)` : "";
}

export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
