// The IAM document model shared by the pack's rules and the access analysis (which imports it from here:
// the Pulumi CLI loads the pack on its own, so the model lives inside it).
export * from "./arn";
export * from "./conditions";
export * from "./document";
export * from "./glob";
export * from "./principals";
export * from "./scoping";
export * from "./federation";
export * from "./validate";
