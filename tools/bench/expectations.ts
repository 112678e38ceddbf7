// The access expectations of a generated organization (tools/bench/generate.ts): what the plan's
// access analysis must find, for the hub (the reference prod) and for each environment.

type Outcome = "allow" | "deny";
type RequestContext = Record<string, unknown>;

interface Expectation {
    id: string;
    description?: string;
    principal: string;
    action: string;
    resource: string;
    context?: RequestContext;
    expect: Outcome;
}

/** One row of crossaccount:accessExpectations, with its keys in the order a stack file writes them. */
function expectation(
    id: string,
    principal: string,
    action: string,
    resource: string,
    expect: Outcome,
    context?: RequestContext,
): Expectation {
    return { id, principal, action, resource, ...(context ? { context } : {}), expect };
}

/** The row with a description, after its id. */
function described(description: string, { id, ...rest }: Expectation): Expectation {
    return { id, description, ...rest };
}

const ASSUME_ROLE = "sts:AssumeRole";
const ASSUME_ROLE_WITH_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";

/** The reference prod's expectations, for a few partners, one non-partner and the hub's own roles. */
export function hubAccessExpectations(hub: string, environments: string[], isPartner: (index: number) => boolean): Expectation[] {
    const partnerIndexes = environments.map((_, i) => i).filter(isPartner);
    const sample = [...new Set([partnerIndexes[0], partnerIndexes[1], partnerIndexes[partnerIndexes.length - 1]])].filter(
        (i) => i !== undefined,
    );
    const mfa = { mfa: true, mfaAgeSeconds: 300 };
    const updateApp = `${hub}/role/UpdateApp`;
    const productImage = `${hub}/bucket/product-images/catalog/shoe.jpg`;
    const list: Expectation[] = [];
    for (const index of sample) {
        const e = environments[index];
        const [developers, testers, imageSharing] = [`${e}/group/Developers`, `${e}/group/Testers`, `${e}/role/ImageSharingRole`];
        list.push(
            expectation(`${e}-developers-assume-updateapp`, developers, ASSUME_ROLE, updateApp, "allow", mfa),
            expectation(`${e}-developers-assume-updateapp-without-mfa`, developers, ASSUME_ROLE, updateApp, "deny", { mfa: false }),
            expectation(`${e}-testers-assume-updateapp`, testers, ASSUME_ROLE, updateApp, "deny", mfa),
            expectation(`${e}-testers-assume-appreadonly`, testers, ASSUME_ROLE, `${hub}/role/AppReadOnly`, "allow", { mfa: true }),
            expectation(`${e}-imagesharing-read-product-images`, imageSharing, "s3:GetObject", productImage, "allow"),
            expectation(`${e}-imagesharing-write-product-images`, imageSharing, "s3:PutObject", productImage, "deny"),
        );
    }
    // The first partner's CI and Identity Center principals.
    const first = environments[partnerIndexes[0]];
    const deployRole = `${first}/role/GitHubActionsDeploy`;
    list.push(
        expectation(`${first}-sso-releasemanager-assume-updateapp`, `${first}/sso/ReleaseManager`, ASSUME_ROLE, updateApp, "allow"),
        expectation(`${first}-sso-other-permission-set-assume-updateapp`, `${first}/sso/ReadOnlyAccess`, ASSUME_ROLE, updateApp, "deny"),
        expectation(
            `${first}-github-main-assume-deploy`,
            "github:repo:acme-platform/crossaccount:ref:refs/heads/main",
            ASSUME_ROLE_WITH_WEB_IDENTITY,
            deployRole,
            "allow",
        ),
        expectation(
            `${first}-github-other-repository-assume-deploy`,
            "github:repo:acme-platform/other-service:ref:refs/heads/main",
            ASSUME_ROLE_WITH_WEB_IDENTITY,
            deployRole,
            "deny",
        ),
    );
    const outsider = environments.findIndex((_, i) => i >= 1 && !isPartner(i));
    if (outsider > 0) {
        const e = environments[outsider];
        list.push(
            described(
                "Not a hub partner: the hub does not trust this account.",
                expectation(`${e}-developers-assume-updateapp`, `${e}/group/Developers`, ASSUME_ROLE, updateApp, "deny", mfa),
            ),
            expectation(`${e}-imagesharing-read-product-images`, `${e}/role/ImageSharingRole`, "s3:GetObject", productImage, "deny"),
        );
    }
    const releases = `${hub}/bucket/productionapp/releases/app.zip`;
    const bucket = `${hub}/bucket/productionapp`;
    list.push(
        expectation("updateapp-write-productionapp", updateApp, "s3:PutObject", releases, "allow"),
        expectation("updateapp-delete-productionapp-bucket", updateApp, "s3:DeleteBucket", bucket, "deny"),
        expectation("updateapp-change-productionapp-policy", updateApp, "s3:PutBucketPolicy", bucket, "deny"),
        expectation("appreadonly-write-productionapp", `${hub}/role/AppReadOnly`, "s3:PutObject", releases, "deny"),
        expectation("outsider-assume-updateapp", "arn:aws:iam::444455556666:role/Intruder", ASSUME_ROLE, updateApp, "deny", mfa),
    );
    return list;
}

/** Each environment states what its ImageSharingRole may do in a neighbour's team bucket (`teamBucketKey`). */
export function environmentAccessExpectations(env: string, neighbour: string, teamBucketKey: string): Expectation[] {
    const object = `${neighbour}/bucket/${teamBucketKey}/assets/logo.png`;
    const imageSharing = `${env}/role/ImageSharingRole`;
    return [
        expectation(`${env}-imagesharing-read-${neighbour}-assets`, imageSharing, "s3:GetObject", object, "allow"),
        expectation(`${env}-imagesharing-write-${neighbour}-assets`, imageSharing, "s3:PutObject", object, "deny"),
    ];
}
