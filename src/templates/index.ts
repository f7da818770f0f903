/** Projects from templates: the catalogue and the plan, without I/O (the console imports these too). */
export * from "./catalog.js";
export * from "./plan.js";
