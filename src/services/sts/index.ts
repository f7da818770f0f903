export { createSts } from "./operations.js";
