// Principal patterns shared by the pack, the analysis, the components and the config schema. The pack is
// loaded on its own by the Pulumi CLI, so the one copy lives here and everything else imports it.

/**
 * An AWS service principal: `<service>.amazonaws.com`, or `<service>.amazonaws.com.cn` in the aws-cn
 * partition (IAM User Guide, "AWS service principals").
 */
export const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;

export function isServicePrincipal(value: string): boolean {
    return SERVICE_PRINCIPAL.test(value);
}
