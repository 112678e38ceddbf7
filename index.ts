// The crossaccount program: one stack per environment (Pulumi.<stack>.yaml), each deploying into its
// own AWS account and reading the stacks it depends on through StackReference. The deployment itself
// is in program/, split by concern.
import * as pulumi from "@pulumi/pulumi";
import { StackConfiguration, decodeRuntimeConfig, loadStackConfiguration } from "./config";
import { StackOutputs, deployEnvironment } from "./program";

/**
 * The Pulumi entry point. The CLI calls it with no argument: the project is this directory and the
 * running stack's config comes from the runtime. The offline plan passes the directory it plans and,
 * having validated every stack file together once already, the configuration it loaded.
 */
function main(projectDir: string = __dirname, validated?: StackConfiguration): StackOutputs {
    // The running stack's values come from the runtime (secrets decrypted); the program wraps the
    // only secret setting, external IDs, in pulumi.secret itself.
    const { organization, environment } =
        validated ??
        loadStackConfiguration({
            projectDir,
            stack: pulumi.getStack(),
            currentValues: decodeRuntimeConfig(pulumi.runtime.allConfig()),
        });
    return deployEnvironment(organization, environment);
}

export = main;
