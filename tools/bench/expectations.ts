// The access expectations of a generated organization (tools/bench/generate.ts): what the plan's
// access analysis must find, for the hub (the reference prod) and for each environment.
/** The reference prod's expectations, for a few partners, one non-partner and the hub's own roles. */
export function hubAccessExpectations(hub: string, environments: string[], isPartner: (index: number) => boolean) {
    const partnerIndexes = environments.map((_, i) => i).filter(isPartner);
    const sample = [...new Set([partnerIndexes[0], partnerIndexes[1], partnerIndexes[partnerIndexes.length - 1]])].filter(
        (i) => i !== undefined,
    );
    const mfa = { mfa: true, mfaAgeSeconds: 300 };
    const list: Record<string, unknown>[] = [];
    for (const index of sample) {
        const e = environments[index];
        list.push(
            {
                id: `${e}-developers-assume-updateapp`,
                principal: `${e}/group/Developers`,
                action: "sts:AssumeRole",
                resource: `${hub}/role/UpdateApp`,
                context: mfa,
                expect: "allow",
            },
            {
                id: `${e}-developers-assume-updateapp-without-mfa`,
                principal: `${e}/group/Developers`,
                action: "sts:AssumeRole",
                resource: `${hub}/role/UpdateApp`,
                context: { mfa: false },
                expect: "deny",
            },
            {
                id: `${e}-testers-assume-updateapp`,
                principal: `${e}/group/Testers`,
                action: "sts:AssumeRole",
                resource: `${hub}/role/UpdateApp`,
                context: mfa,
                expect: "deny",
            },
            {
                id: `${e}-testers-assume-appreadonly`,
                principal: `${e}/group/Testers`,
                action: "sts:AssumeRole",
                resource: `${hub}/role/AppReadOnly`,
                context: { mfa: true },
                expect: "allow",
            },
            {
                id: `${e}-imagesharing-read-product-images`,
                principal: `${e}/role/ImageSharingRole`,
                action: "s3:GetObject",
                resource: `${hub}/bucket/product-images/catalog/shoe.jpg`,
                expect: "allow",
            },
            {
                id: `${e}-imagesharing-write-product-images`,
                principal: `${e}/role/ImageSharingRole`,
                action: "s3:PutObject",
                resource: `${hub}/bucket/product-images/catalog/shoe.jpg`,
                expect: "deny",
            },
        );
    }
    // The first partner's CI and Identity Center principals.
    const first = environments[partnerIndexes[0]];
    const repository = "acme-platform/crossaccount";
    list.push(
        {
            id: `${first}-sso-releasemanager-assume-updateapp`,
            principal: `${first}/sso/ReleaseManager`,
            action: "sts:AssumeRole",
            resource: `${hub}/role/UpdateApp`,
            expect: "allow",
        },
        {
            id: `${first}-sso-other-permission-set-assume-updateapp`,
            principal: `${first}/sso/ReadOnlyAccess`,
            action: "sts:AssumeRole",
            resource: `${hub}/role/UpdateApp`,
            expect: "deny",
        },
        {
            id: `${first}-github-main-assume-deploy`,
            principal: `github:repo:${repository}:ref:refs/heads/main`,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: `${first}/role/GitHubActionsDeploy`,
            expect: "allow",
        },
        {
            id: `${first}-github-other-repository-assume-deploy`,
            principal: `github:repo:acme-platform/other-service:ref:refs/heads/main`,
            action: "sts:AssumeRoleWithWebIdentity",
            resource: `${first}/role/GitHubActionsDeploy`,
            expect: "deny",
        },
    );
    const outsider = environments.findIndex((_, i) => i >= 1 && !isPartner(i));
    if (outsider > 0) {
        const e = environments[outsider];
        list.push(
            {
                id: `${e}-developers-assume-updateapp`,
                description: "Not a hub partner: the hub does not trust this account.",
                principal: `${e}/group/Developers`,
                action: "sts:AssumeRole",
                resource: `${hub}/role/UpdateApp`,
                context: mfa,
                expect: "deny",
            },
            {
                id: `${e}-imagesharing-read-product-images`,
                principal: `${e}/role/ImageSharingRole`,
                action: "s3:GetObject",
                resource: `${hub}/bucket/product-images/catalog/shoe.jpg`,
                expect: "deny",
            },
        );
    }
    list.push(
        {
            id: "updateapp-write-productionapp",
            principal: `${hub}/role/UpdateApp`,
            action: "s3:PutObject",
            resource: `${hub}/bucket/productionapp/releases/app.zip`,
            expect: "allow",
        },
        {
            id: "updateapp-delete-productionapp-bucket",
            principal: `${hub}/role/UpdateApp`,
            action: "s3:DeleteBucket",
            resource: `${hub}/bucket/productionapp`,
            expect: "deny",
        },
        {
            id: "updateapp-change-productionapp-policy",
            principal: `${hub}/role/UpdateApp`,
            action: "s3:PutBucketPolicy",
            resource: `${hub}/bucket/productionapp`,
            expect: "deny",
        },
        {
            id: "appreadonly-write-productionapp",
            principal: `${hub}/role/AppReadOnly`,
            action: "s3:PutObject",
            resource: `${hub}/bucket/productionapp/releases/app.zip`,
            expect: "deny",
        },
        {
            id: "outsider-assume-updateapp",
            principal: "arn:aws:iam::444455556666:role/Intruder",
            action: "sts:AssumeRole",
            resource: `${hub}/role/UpdateApp`,
            context: mfa,
            expect: "deny",
        },
    );
    return list;
}

/** Each environment states what its ImageSharingRole may do in a neighbour's team bucket (`teamBucketKey`). */
export function environmentAccessExpectations(env: string, neighbour: string, teamBucketKey: string) {
    const object = `${neighbour}/bucket/${teamBucketKey}/assets/logo.png`;
    return [
        {
            id: `${env}-imagesharing-read-${neighbour}-assets`,
            principal: `${env}/role/ImageSharingRole`,
            action: "s3:GetObject",
            resource: object,
            expect: "allow",
        },
        {
            id: `${env}-imagesharing-write-${neighbour}-assets`,
            principal: `${env}/role/ImageSharingRole`,
            action: "s3:PutObject",
            resource: object,
            expect: "deny",
        },
    ];
}
