// The cross-checks that need every stack file: one named validator per section, run in this order over
// one shared context (the helpers and the one error list), as landing-zone-accelerator's config validators do.
import { CONFIG_NAMESPACE } from "../schema";
import type { Environment, Organization } from "../organization";
import { Problem, ValidationContext, validationHelpers } from "./helpers";
import { validateAssumeRoleGrants, validateRoles } from "./identity";
import { validateBuckets, validateFunctions, validateRepositories, validateSnapshots } from "./resources";
import { validateAccessExpectations, validateAlarms, validateAudit, validateNetwork, validateOrganizationAccounts } from "./environment";

export type { Problem, ValidationContext } from "./helpers";

const SECTION_VALIDATORS: ((context: ValidationContext) => void)[] = [
    validateOrganizationAccounts,
    validateRoles,
    validateBuckets,
    validateFunctions,
    validateRepositories,
    validateSnapshots,
    validateAlarms,
    validateAssumeRoleGrants,
    validateAudit,
    validateNetwork,
    validateAccessExpectations,
];

/** Cross-checks one environment against the organization, reporting each problem through `problem`. */
export function crossCheck(environment: Environment, organization: Organization, problem: Problem, now: Date = new Date()): void {
    const context: ValidationContext = {
        environment,
        settings: environment.settings,
        organization,
        ns: CONFIG_NAMESPACE,
        problem,
        now,
        helpers: validationHelpers(organization, problem),
    };
    for (const validate of SECTION_VALIDATORS) validate(context);
}
