import path from "node:path";

/** Where e2e/serve.ts's server writes its one-time setup code (CKS_SETUP_CODE_FILE), as an operator finds it. */
export const SETUP_CODE_FILE = path.resolve(import.meta.dirname, "..", ".artifacts", "setup-code");
