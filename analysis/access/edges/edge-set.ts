/** Verified edges merged by kind, principal, target and conditions, listed in a stable order. */
import type { AccessEdge } from "../types";

interface Draft {
    edge: AccessEdge;
    actions: Set<string>;
    via: Set<string>;
    deniedOn: Set<string>;
    uses?: Set<string>;
}

export class EdgeSet {
    private readonly drafts = new Map<string, Draft>();

    add(e: Omit<AccessEdge, "actions" | "via">, actions: string[], via: string, deniedOn: string[] = [], uses?: string[]): void {
        const key = [e.kind, e.principal, e.target, e.conditions.join("\n")].join("|");
        let d = this.drafts.get(key);
        if (!d) {
            const edge: AccessEdge = {
                kind: e.kind,
                principal: e.principal,
                target: e.target,
                actions: [],
                conditions: e.conditions,
                sourceAccountId: e.sourceAccountId,
                targetAccountId: e.targetAccountId,
            };
            d = { edge, actions: new Set(), via: new Set(), deniedOn: new Set() };
            this.drafts.set(key, d);
        }
        actions.forEach((a) => d!.actions.add(a));
        deniedOn.forEach((x) => d!.deniedOn.add(x));
        if (uses) uses.forEach((u) => (d!.uses ??= new Set()).add(u));
        d.via.add(via);
    }

    list(): AccessEdge[] {
        const edges = [...this.drafts.values()].map((d) => ({
            ...d.edge,
            actions: [...d.actions].sort(),
            via: [...d.via].sort().join(", "),
            ...(d.deniedOn.size > 0 ? { deniedOn: [...d.deniedOn].sort() } : {}),
            ...(d.uses ? { uses: [...d.uses].sort() } : {}),
        }));
        const key = (e: AccessEdge) => [
            e.kind,
            e.targetAccountId,
            e.target,
            e.sourceAccountId,
            e.principal,
            e.conditions.join("\n"),
            e.via ?? "",
        ];
        return edges.sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
            return 0;
        });
    }
}
