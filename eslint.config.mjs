// Lint rules that hold the architecture in place: layers import downwards only, no cycles,
// promises are awaited, and type-only imports say so.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/**
 * Layers and what each may import. Mostly a stack — cli → http → services → runner → formats →
 * platform → core — with one branch: `agent` (the CodeDeploy agent process, `pipewright agent`)
 * sits beside `runner`, not under it. Neither imports the other, and nothing on the server side
 * (http, services) imports the agent: the two talk over HTTP, as AWS's agent does. What both need
 * (running a script in a sandbox, archives, git) belongs in platform.
 */
const allowed = {
  cli: ["http", "services", "runner", "agent", "templates", "formats", "platform", "core"],
  http: ["services", "runner", "formats", "platform", "core"],
  services: ["runner", "formats", "platform", "core"],
  runner: ["formats", "platform", "core"],
  agent: ["formats", "platform", "core"],
  formats: ["platform", "core"],
  platform: ["core"],
  // Projects from templates: the plan of AWS operations, pure, imported by the console too.
  templates: ["formats"],
  core: [],
};
const layers = Object.keys(allowed);

const layerRules = layers.map((layer) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: layers
          .filter((other) => other !== layer && !allowed[layer].includes(other))
          .map((other) => ({
            group: [`**/${other}/**`, `**/${other}`],
            message: `src/${layer} may import only from ${allowed[layer].join(", ") || "nothing in src"}, not ${other}.`,
          })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "web/dist/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver()] },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  ...layerRules,
  {
    // One way to declare an operation: `export function <awsName>(deps) { return operation({…}); }`,
    // found by its AWS name with one search and listed by name in the service's service.ts.
    files: ["src/services/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.name='operation']:not(ExportNamedDeclaration > FunctionDeclaration > BlockStatement > ReturnStatement > CallExpression)",
          message:
            "Declare each operation as `export function <awsName>(deps) { return operation({ … }); }` and list it in service.ts.",
        },
      ],
    },
  },
  {
    // The web console (web/, checked through web/tsconfig.json by the project service) runs in the
    // browser and reaches the server only over HTTP: no server modules, no Node built-ins. The one
    // exception is src/templates, the pure plan of a project from a template, which it runs too.
    files: ["web/src/**/*.ts", "web/src/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "../../src/**",
                "../../../src/**",
                "!../../src/templates",
                "!../../src/templates/index.js",
                "node:*",
              ],
              message: "The web console talks to the server over HTTP; it may not import server code.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The templates' starter code runs on Node.js as the user's own program.
    files: ["templates/**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", fetch: "readonly", URL: "readonly" },
    },
  },
);
