/**
 * The NetworkPolicy semantics table and its evaluation, for suites outside the grader: the test
 * cluster's enforcement must give every probe the outcome the grader's evaluator gives.
 */
export { POLICY_CASES, METADATA_CIDR, type PolicyCase, type CaseProbe, type CaseEnd } from "../network/policy-cases";
export { casePolicies, describeProbe, evaluateCaseProbe } from "../network/case-world";
