import { strict as assert } from "assert";
import { StackCycleError, orderStacks } from "../../plan/stack-graph";

describe("stack graph", () => {
    const reference = { prod: [], dev: ["prod"], test: ["dev", "prod"] };

    it("orders the reference organization prod, dev, test", () => {
        const graph = orderStacks(reference);
        assert.deepEqual(graph.waves, [["prod"], ["dev"], ["test"]]);
        assert.deepEqual(graph.order, ["prod", "dev", "test"]);
    });

    it("puts independent stacks in the same wave", () => {
        const graph = orderStacks({ hub: [], a: ["hub"], b: ["hub"], c: ["a", "b"] });
        assert.deepEqual(graph.waves, [["hub"], ["a", "b"], ["c"]]);
    });

    it("adds the stacks a selection reads, unless told not to", () => {
        assert.deepEqual(orderStacks(reference, ["test"]).order, ["prod", "dev", "test"]);
        assert.deepEqual(orderStacks(reference, ["test"], false).order, ["test"]);
        assert.deepEqual(orderStacks(reference, ["test"], false).dependencies, { test: [] });
    });

    it("names the cycle", () => {
        assert.throws(
            () => orderStacks({ a: ["b"], b: ["c"], c: ["a"] }),
            (error: unknown) => error instanceof StackCycleError && error.message === "stack dependencies form a cycle: a -> b -> c -> a",
        );
    });
});
