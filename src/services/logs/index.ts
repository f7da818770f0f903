export { createLogsService } from "./service.js";
export { appendLogEvents, type AppendLogEventsInput } from "./append.js";
export { compileFilterPattern } from "./filter-log-events.js";
