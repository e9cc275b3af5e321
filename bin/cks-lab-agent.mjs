#!/usr/bin/env node
// cks-lab-agent's entry point for an installed package (npx cks-lab-agent): plain Node 20 runs this file,
// which loads the TypeScript agent through tsx (a dependency of the package, as for npm start), with the
// package's own tsconfig so its import paths resolve wherever the learner runs it.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
await import(pathToFileURL(path.join(root, "scripts", "agent.ts")).href);
