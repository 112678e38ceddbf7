// The two ways role switching stops on purpose: bad input (exit 2: an argument, a profile or the
// organization's config is wrong) and a denial (exit 1: the analysis or STS says no). The commands map
// them to exit codes and print only the message, never a stack trace.

export class SwitchError extends Error {
    constructor(
        message: string,
        readonly exitCode: 1 | 2,
    ) {
        super(message);
        this.name = "SwitchError";
    }
}

/** Bad input: names the argument (or file and key) and the problem. */
export function badInput(message: string): SwitchError {
    return new SwitchError(message, 2);
}

/** Access denied, by the offline analysis or by STS, with the explanation. */
export function denied(message: string): SwitchError {
    return new SwitchError(message, 1);
}
