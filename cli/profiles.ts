// `npm run profiles -- --principal dev/group/Developers [--source-profile NAME] [--mfa-serial ARN] [--out FILE|- | --granted-registry DIR]`
// AWS CLI config with one profile per role the principal may assume according to the offline access analysis.
// Exit codes: 0 written; 2 bad arguments or config.
import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { loadCatalog, type RoleCatalog } from "../role-switching/catalog";
import { CommandIo, PROJECT_DIR, processIo, runCommand, runMain } from "../role-switching/command";
import { badInput } from "../role-switching/errors";
import { checkMfaSerial } from "../role-switching/assume";
import { parsePrincipal } from "../role-switching/principals";
import { GENERATED_MARKER, renderProfiles } from "../role-switching/profiles";
import { reachableRoles } from "../role-switching/reachable";

interface Options {
    principal: string;
    sourceProfile: string;
    mfaSerial?: string;
    sessionName?: string;
    ssoStartUrl?: string;
    ssoRegion?: string;
    ssoSession: string;
    ssoAccount?: string[];
    out: string;
    grantedRegistry?: string;
    project: string;
}

export interface ProfilesIo extends CommandIo {
    /** The organization, already planned (tests plan it once). */
    catalog?: RoleCatalog;
}

export async function main(argv: string[], io: ProfilesIo = processIo): Promise<number> {
    const program = new Command("profiles")
        .description(
            "Write AWS CLI profiles (also a Granted registry) for every role a principal may assume, from the offline access analysis.",
        )
        .requiredOption(
            "--principal <ref>",
            "who switches: <env>/group/<Name>, <env>/user/<Name>, <env>/role/<Name>, sso/<PermissionSet> or <env>/sso/<PermissionSet>",
        )
        .option("--source-profile <name>", "the profile holding the principal's own credentials", "default")
        .option("--mfa-serial <arn>", "the principal's MFA device, for roles whose trust requires MFA")
        .option(
            "--session-name <name>",
            "RoleSessionName for every profile (default: the principal's name, fitted to each trust's pattern)",
        )
        .option("--sso-start-url <url>", "IAM Identity Center start URL (sso/ principals)")
        .option("--sso-region <region>", "IAM Identity Center region (default: the first environment's region)")
        .option("--sso-session <name>", "name of the [sso-session] section", "crossaccount")
        .addOption(
            new Option(
                "--sso-account <env...>",
                "environments where the permission set is provisioned (default: those it reaches a role from)",
            ),
        )
        .option("--out <file>", "where to write: a file, or - for stdout", "-")
        .option("--granted-registry <dir>", "write a Granted profile registry instead: <dir>/granted.yml and <dir>/config")
        .option("--project <dir>", "directory holding Pulumi.yaml and the stack files", PROJECT_DIR);
    return runCommand(program, argv, io, async () => {
        const options = program.opts<Options>();
        if (options.mfaSerial !== undefined) checkMfaSerial(options.mfaSerial, "--mfa-serial");
        if (!/^[\w+=,.@-]+$/.test(options.sourceProfile))
            throw badInput(`--source-profile ${options.sourceProfile}: a profile name is letters, digits and + = , . @ _ -`);
        if (options.ssoRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.ssoRegion)) {
            throw badInput(`--sso-region ${options.ssoRegion}: must be an AWS region such as us-east-1`);
        }
        if (!/^[\w+=,.@-]+$/.test(options.ssoSession))
            throw badInput(`--sso-session ${options.ssoSession}: a section name is letters, digits and + = , . @ _ -`);
        if (options.ssoStartUrl !== undefined && !/^https:\/\/\S+$/.test(options.ssoStartUrl)) {
            throw badInput(`--sso-start-url ${options.ssoStartUrl}: must be an https:// URL (your AWS access portal)`);
        }
        if (options.grantedRegistry !== undefined && options.out !== "-")
            throw badInput(`--granted-registry: writes <dir>/config itself; give it or --out, not both`);
        const registry = options.grantedRegistry === undefined ? undefined : grantedRegistryFiles(options.grantedRegistry);
        const out = registry?.config ?? options.out;
        if (out !== "-") checkOverwrite(out, "--out");
        if (registry) checkOverwrite(registry.manifest, "--granted-registry");
        const catalog = io.catalog ?? (await loadCatalog(path.resolve(options.project), { exclusiveRuntime: true }));
        const principal = parsePrincipal(catalog, options.principal, "--principal");
        if (principal.kind === "sso" && options.ssoStartUrl === undefined) {
            throw badInput(`--principal ${principal.ref}: an Identity Center principal needs --sso-start-url (your AWS access portal URL)`);
        }
        const reach = await reachableRoles(catalog, principal, { sessionName: options.sessionName, ssoEnvironments: options.ssoAccount });
        const firstRegion = Object.values(catalog.organization.environments)[0].region;
        const rendered = renderProfiles(reach, {
            sourceProfile: options.sourceProfile,
            mfaSerial: options.mfaSerial,
            partition: catalog.partition,
            sso: options.ssoStartUrl
                ? { sessionName: options.ssoSession, startUrl: options.ssoStartUrl, region: options.ssoRegion ?? firstRegion }
                : undefined,
        });
        if (out === "-") io.stdout.write(rendered.text);
        else fs.writeFileSync(out, rendered.text);
        if (registry) fs.writeFileSync(registry.manifest, GRANTED_MANIFEST);
        for (const note of rendered.notes) io.stderr.write(`profiles: ${note}\n`);
        io.stderr.write(
            `profiles: ${reach.routes.length} role profile(s)${reach.sso.length ? ` and ${reach.sso.length} Identity Center profile(s)` : ""} for ${principal.ref}\n`,
        );
        return 0;
    });
}

/**
 * A Granted profile registry is a folder (a git repository) whose granted.yml lists AWS config files
 * under `awsConfig`; `granted registry add` merges their profiles into ~/.aws/config.
 */
const GRANTED_MANIFEST = `${GENERATED_MARKER.replace(/^;/, "#")}: a Granted profile registry (granted registry add -n crossaccount -u <repository>)\nawsConfig:\n  - ./config\n`;

function grantedRegistryFiles(dir: string): { config: string; manifest: string } {
    fs.mkdirSync(dir, { recursive: true });
    return { config: path.join(dir, "config"), manifest: path.join(dir, "granted.yml") };
}

/** Never overwrite a file a person wrote (~/.aws/config): only one this command generated (marker after ";" or "#"). */
function checkOverwrite(file: string, what: string): void {
    if (!fs.existsSync(file)) return;
    const head = fs.readFileSync(file, "utf8").slice(1, GENERATED_MARKER.length);
    if (head !== GENERATED_MARKER.slice(1))
        throw badInput(`${what} ${file}: exists and was not generated by npm run profiles; refusing to overwrite it`);
}

if (require.main === module) runMain("profiles", main);
