export { stsService } from "./operations.js";
