// The IAM capabilities every change set is created with. Shared with the error explainer so that its
// hint names exactly what the tool passes, without the explainer loading the CloudFormation SDK.
export const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;
