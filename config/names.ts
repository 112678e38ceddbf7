// Names derived from config alone, shared by the loader's checks and the program.

/** Bucket names are derived from the account ID so they are globally unique and computable. */
export function bucketName(key: string, explicitName: string | undefined, accountId: string): string {
    return explicitName ?? `${key}-${accountId}`;
}
