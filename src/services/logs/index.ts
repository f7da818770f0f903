export { createLogs } from "./service.js";
export { appendLogEvents, type AppendLogEventsInput } from "./append.js";
export { compileFilterPattern } from "./filter-log-events.js";
export { watchLogStream, type LogStreamRef } from "./notifier.js";
export { findLogStreamId, readLogEventsAfter, type StoredLogEvent } from "./read-after.js";
export { groupArn as logGroupArn, streamArn as logStreamArn } from "./lookup.js";
