// Pins what plan/pulumi-internals.ts relies on below @pulumi/pulumi's public API. When one of these
// fails after an SDK upgrade, adapt plan/pulumi-internals.ts (nothing else reaches these internals).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    MockRegistration,
    clearStackResource,
    observeMockRegistrations,
    waitForRegistrations,
    withOwnRuntimeState,
} from "../../plan/pulumi-internals";

/** Mocks that remember the order of newResource calls relative to the observer. */
class OrderMocks implements pulumi.runtime.Mocks {
    readonly events: string[] = [];
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        this.events.push(`newResource ${args.name}`);
        return { id: `${args.name}-id`, state: {} };
    }
    call(): pulumi.runtime.MockCallResult {
        return {};
    }
}

class Thing extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, props, opts);
    }
}

describe("Pulumi internals the offline plan relies on", () => {
    it("publishes the secret envelope's key and value under the names the plan and the pack use", () => {
        assert.equal(pulumi.runtime.specialSigKey, "4dabf18193072939515e22adb298388d");
        assert.equal(pulumi.runtime.specialSecretSig, "1b47061264138c4ac30d75fd1eb44270");
    });

    it("calls newResource synchronously, then the observer, then the URN callback; waitForRegistrations waits for all", async () => {
        const mocks = new OrderMocks();
        const observed: MockRegistration[] = [];
        const urns: string[] = [];
        await withOwnRuntimeState(async () => {
            await pulumi.runtime.setMocks(mocks, "project", "pinned", false, "organization");
            observeMockRegistrations((registration) => {
                mocks.events.push(`observer ${mocks.events.length}`);
                observed.push(registration);
                return (urn) => urns.push(urn);
            });
            class Parent extends pulumi.ComponentResource {
                constructor(name: string) {
                    super("test:index:Parent", name);
                    const first = new Thing(`${name}-first`, { value: 1 }, { parent: this });
                    new Thing(`${name}-second`, { other: first.id }, { parent: this, dependsOn: [first] });
                    this.registerOutputs({});
                }
            }
            await pulumi.runtime.runInPulumiStack(async () => {
                new Parent("p");
            });
            await waitForRegistrations();
        });
        // Every newResource call is directly followed by the observer (the plan pairs them by order).
        for (let i = 0; i < mocks.events.length; i += 2) {
            assert.match(mocks.events[i], /^newResource /, mocks.events.join(", "));
            assert.match(mocks.events[i + 1], /^observer /, mocks.events.join(", "));
        }
        const second = observed[mocks.events.indexOf("newResource p-second") / 2];
        assert.equal(second.parent, "urn:pulumi:pinned::project::pulumi:pulumi:Stack$test:index:Parent::p");
        assert.deepEqual(second.dependencies, ["urn:pulumi:pinned::project::test:index:Parent$test:index:Thing::p-first"]);
        assert.deepEqual(second.propertyDependencies.other, ["urn:pulumi:pinned::project::test:index:Parent$test:index:Thing::p-first"]);
        assert.ok(urns.includes("urn:pulumi:pinned::project::test:index:Parent$test:index:Thing::p-second"), urns.join(", "));
        // After waitForRegistrations every registration has been answered.
        assert.equal(urns.length, observed.length);
    });

    it("runs a stack in a state of its own, and clears a state's stack resource", async () => {
        const before = pulumi.runtime.getStackResource();
        await withOwnRuntimeState(async () => {
            await pulumi.runtime.setMocks(new OrderMocks(), "project", "own", false, "organization");
            await pulumi.runtime.runInPulumiStack(async () => undefined);
            assert.ok(pulumi.runtime.getStackResource(), "the stack resource of this run");
            clearStackResource();
            assert.equal(pulumi.runtime.getStackResource(), undefined);
        });
        assert.equal(pulumi.runtime.getStackResource(), before);
    });
});
