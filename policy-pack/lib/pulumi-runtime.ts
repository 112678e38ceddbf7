// The analyzer's own unknown-value machinery, so that the offline engine and the rules treat unknown
// values exactly as a real `pulumi preview` does. `@pulumi/policy/proxy` is a dependency-free module;
// its typings are stripped (marked @internal), hence the explicit shape below.
import { runtime } from "@pulumi/pulumi";

export interface AnalyzerProxyModule {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (sentinel: string, path: string[]) => Error;
    unknownBooleanValue: string;
    unknownNumberValue: string;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownAssetValue: string;
    unknownArchiveValue: string;
    unknownObjectValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const analyzerProxy: AnalyzerProxyModule = require("@pulumi/policy/proxy");

/** The strings the engine uses on the wire for "not known until the update runs". */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    analyzerProxy.unknownBooleanValue,
    analyzerProxy.unknownNumberValue,
    analyzerProxy.unknownStringValue,
    analyzerProxy.unknownArrayValue,
    analyzerProxy.unknownAssetValue,
    analyzerProxy.unknownArchiveValue,
    analyzerProxy.unknownObjectValue,
]);

/**
 * Pulumi's signature for special values (secrets, assets) in serialized property maps and state files:
 * the key, and its value for a secret.
 */
export const SPECIAL_SIG_KEY: string = runtime.specialSigKey;
export const SECRET_SIG: string = runtime.specialSecretSig;

export function isUnknownSentinel(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

export function isSecretEnvelope(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG
    );
}

export function isUnknownValueError(error: unknown): error is Error {
    return error instanceof analyzerProxy.UnknownValueError;
}

/**
 * Stops a rule that needs a value not known until apply, exactly as reading it through the analyzer's
 * proxy would: the analyzer then reports "can't run policy ... during preview: <path> can't be known
 * during preview" (advisory) instead of the rule taking the value as compliant.
 */
export function unknownUntilApply(path: string[]): never {
    throw new analyzerProxy.UnknownValueError(analyzerProxy.unknownStringValue, path);
}
