// Organizations the role-switching tests plan once: the reference one, an edited copy with a CI chain,
// a vendor role (external ID), a session-name pattern and a long maximum duration, and a generated one.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { parse, stringify } from "yaml";
import { loadSharedConfigFiles, loadSsoSessionData } from "@smithy/shared-ini-file-loader";
import { loadCatalog, type RoleCatalog } from "../../role-switching/catalog";
import { generateOrganization } from "../../tools/bench/generate";

export const REPO = path.resolve(__dirname, "..", "..");
/** A fixed time: trusts with notBefore / notAfter must not make the tests depend on the day they run. */
export const NOW = new Date("2026-06-01T00:00:00Z");
export const VENDOR_SECRET = "vendor-secret-1234";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const cache = new Map<string, Promise<RoleCatalog>>();

function once(key: string, make: () => Promise<RoleCatalog>): Promise<RoleCatalog> {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key)!;
}

export function referenceCatalog(): Promise<RoleCatalog> {
    return once("reference", () => loadCatalog(REPO, { now: NOW }));
}

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/**
 * The reference organization plus: dev's Pipeline role (Developers may assume it) that assumes prod's
 * Deployer (trust narrowed to Pipeline, session names `deploy-*`, 12-hour maximum), and prod's
 * VendorAudit (external ID, 2-hour maximum) that Developers may assume; prod's SsoDeploy, trusted by the
 * Identity Center permission set Deployers; and dev's user alice, who may assume UpdateApp.
 */
export function editedCatalog(): Promise<RoleCatalog> {
    return once("edited", async () => {
        const dir = tempDir("edited-org");
        for (const file of fs.readdirSync(REPO).filter((f) => /^Pulumi\..*yaml$/.test(f)))
            fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
        edit(dir, "prod", (config) => {
            (config["crossaccount:roles"] as unknown[]).push(
                {
                    name: "Deployer",
                    maxSessionDurationSeconds: 43200,
                    trust: { roles: ["dev/role/Pipeline"], sessionNamePattern: "deploy-*" },
                    permissions: [{ actions: ["s3:PutObject"], objects: ["prod/bucket/productionapp"] }],
                },
                {
                    // What an Identity Center trust looks like: prod's root narrowed to the Deployers permission set's roles.
                    name: "SsoDeploy",
                    maxSessionDurationSeconds: 7200,
                    trust: {
                        accounts: ["prod"],
                        principalArns: ["arn:aws:iam::999999999999:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Deployers_*"],
                    },
                    permissions: [{ actions: ["s3:PutObject"], objects: ["prod/bucket/productionapp"] }],
                },
            );
            // The reference's VendorAudit, trusted instead by a vendor that works from dev's account (external IDs
            // are for accounts configured as vendors), with a 2-hour maximum.
            const vendorAudit = (config["crossaccount:roles"] as Record<string, unknown>[]).find((role) => role.name === "VendorAudit")!;
            Object.assign(vendorAudit, {
                maxSessionDurationSeconds: 7200,
                trust: { vendors: ["devpartner"], externalId: VENDOR_SECRET },
                permissions: [{ actions: ["s3:GetObject"], objects: ["prod/bucket/productionapp"] }],
            });
        });
        for (const stack of ["prod", "dev", "test"]) {
            edit(dir, stack, (config) => {
                const organization = config["crossaccount:organization"] as { vendors: Record<string, string> };
                organization.vendors = { ...organization.vendors, devpartner: "111111111111" };
            });
        }
        edit(dir, "dev", (config) => {
            (config["crossaccount:roles"] as unknown[]).push({
                name: "Pipeline",
                trust: { accounts: ["dev"] },
                permissions: [{ actions: ["sts:AssumeRole"], resources: ["arn:aws:iam::999999999999:role/Deployer"] }],
            });
            (config["crossaccount:assumeRoleGrants"] as unknown[]).push(
                {
                    effect: "Allow",
                    groups: ["Developers"],
                    roles: ["dev/role/Pipeline", "prod/role/VendorAudit"],
                },
                { effect: "Allow", users: ["alice"], roles: ["prod/role/UpdateApp"] },
            );
        });
        return loadCatalog(dir, { now: NOW });
    });
}

/** tools/bench/generate.ts with 4 accounts, 2 of them hub partners: env003 is not trusted by the hub. */
export function generatedCatalog(): Promise<RoleCatalog> {
    return once("generated", async () => {
        const dir = tempDir("generated-org");
        generateOrganization(4, dir, { partners: 2 });
        return loadCatalog(dir, { now: NOW });
    });
}

function edit(dir: string, stack: string, change: (config: Record<string, unknown>) => void): void {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const document = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    change(document.config);
    fs.writeFileSync(file, stringify(document));
}

/** Writes `text` as an AWS config file (a new path each time: the SDK caches what it read). */
export function writeConfig(text: string): string {
    const file = path.join(tempDir("aws-config"), "config");
    fs.writeFileSync(file, text);
    return file;
}

/** The profiles and sso-sessions of a config text, as the SDK's own loader reads them. */
export async function readConfig(text: string) {
    const configFilepath = writeConfig(text);
    const missing = path.join(path.dirname(configFilepath), "no-credentials");
    const { configFile } = await loadSharedConfigFiles({ configFilepath, filepath: missing, ignoreCache: true });
    const ssoSessions = await loadSsoSessionData({ configFilepath });
    // The loader keeps sso-session sections among the profiles, as "sso-session.<name>".
    const profiles = Object.fromEntries(Object.entries(configFile).filter(([name]) => !name.startsWith("sso-session.")));
    return { profiles, ssoSessions };
}

/** stdout and stderr for a command's main(), with what was written to each. */
export function capturedIo() {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on("data", (d) => out.push(String(d)));
    stderr.on("data", (d) => err.push(String(d)));
    return { stdout, stderr, written: () => ({ stdout: out.join(""), stderr: err.join("") }) };
}
