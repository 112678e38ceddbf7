// What the mocks answer when the program reads an account through Cloud Control (aws.cloudcontrol.getResource):
// only the AWS Config recorder, which ManagedPolicyRule checks at preview.

/** An organization's recorder as AWS Config's console sets it up: every supported type, global ones included. */
export const DEFAULT_CONFIG_RECORDERS: Record<string, Record<string, unknown>> = {
    default: { Name: "default", RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true } },
};

/** GetResource on the account's recorders (by name); a missing one fails as Cloud Control's ResourceNotFoundException does. */
export function readThroughCloudControl(inputs: Record<string, unknown>, recorders: Record<string, Record<string, unknown>>) {
    const { typeName, identifier } = inputs as { typeName: string; identifier: string };
    if (typeName !== "AWS::Config::ConfigurationRecorder")
        throw new Error(`the offline mocks do not read ${typeName} through Cloud Control`);
    const recorder = recorders[identifier];
    if (!recorder)
        throw new Error(`ResourceNotFoundException: AWS::Config::ConfigurationRecorder with identifier '${identifier}' was not found`);
    return { id: identifier, typeName, identifier, properties: JSON.stringify(recorder) };
}
