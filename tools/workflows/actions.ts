// Every action the generated workflows use, pinned to the full commit SHA of a release tag: a tag can
// be moved to other code, a commit cannot. The version goes into a comment next to the SHA so a
// reviewer (and Dependabot, which understands `@<sha> # vX.Y.Z`) sees what is pinned.
//
// The SHAs were read from the actions' own repositories (`git rev-parse <tag>^{commit}`), not typed
// from memory; to bump one, do the same for the new tag and regenerate (`npm run workflows`).

export interface PinnedAction {
    /** owner/name on GitHub. */
    repository: string;
    /** The release tag the SHA belongs to. */
    version: string;
    /** Full 40-hex commit SHA of `version`. */
    sha: string;
}

export const ACTIONS = {
    checkout: { repository: "actions/checkout", version: "v7.0.1", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1" },
    setupNode: { repository: "actions/setup-node", version: "v7.0.0", sha: "820762786026740c76f36085b0efc47a31fe5020" },
    uploadArtifact: { repository: "actions/upload-artifact", version: "v7.0.0", sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f" },
    downloadArtifact: { repository: "actions/download-artifact", version: "v8.0.1", sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c" },
    githubScript: { repository: "actions/github-script", version: "v8.0.0", sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd" },
    configureAwsCredentials: {
        repository: "aws-actions/configure-aws-credentials",
        version: "v6.2.3",
        sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    },
    pulumi: { repository: "pulumi/actions", version: "v7.0.0", sha: "8e5e406f4007fca908480587cb9893c07090f58d" },
} as const satisfies Record<string, PinnedAction>;

/** `owner/name@<sha>`, the value of a step's `uses:`. */
export function uses(action: PinnedAction): string {
    return `${action.repository}@${action.sha}`;
}

/** Appends `# <version>` to every `uses: owner/name@<sha>` line of a rendered workflow. */
export function annotatePins(yamlText: string): string {
    const versions = new Map(Object.values(ACTIONS).map((action) => [uses(action), action.version]));
    return yamlText.replace(/^(\s*(?:- )?uses: )(\S+)$/gm, (_line, prefix: string, value: string) => {
        const version = versions.get(value);
        if (!version) throw new Error(`unpinned action in a generated workflow: ${value}`);
        return `${prefix}${value} # ${version}`;
    });
}
