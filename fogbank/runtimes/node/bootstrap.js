// The Node.js runtime of fogbank's Lambda: a Runtime API client that runs `file.function`.
//
// Started by the process manager with _HANDLER, LAMBDA_TASK_ROOT and AWS_LAMBDA_RUNTIME_API set.
// Loads the handler as CommonJS (require) or ECMAScript module (.mjs, or import() when require
// refuses), supports async handlers, promise-returning handlers and callback handlers, and posts
// AWS's error documents (errorType, errorMessage, trace). Init failures go to /runtime/init/error
// with AWS's error types (Runtime.ImportModuleError, Runtime.HandlerNotFound,
// Runtime.MalformedHandlerName, Runtime.UserCodeSyntaxError). Node's standard library only.
"use strict";

const http = require("http");
const path = require("path");
const fs = require("fs");
const { pathToFileURL } = require("url");

const [apiHost, apiPort] = (() => {
  const address = process.env.AWS_LAMBDA_RUNTIME_API || "127.0.0.1:9001";
  const i = address.lastIndexOf(":");
  return [address.slice(0, i), Number(address.slice(i + 1))];
})();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const PREFIX = "/2018-06-01/runtime";

function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(
      {
        host: apiHost, port: apiPort, method, path: PREFIX + urlPath, agent,
        headers: Object.assign({}, headers || {}, data ? { "Content-Type": "application/json", "Content-Length": data.length } : {}),
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

function errorDoc(err, type) {
  if (!(err instanceof Error)) {
    const message = typeof err === "string" ? err : JSON.stringify(err);
    return { errorType: type || "string", errorMessage: message === undefined ? String(err) : message, trace: [] };
  }
  return {
    errorType: type || err.name || "Error",
    errorMessage: err.message,
    trace: String(err.stack || "").split("\n"),
  };
}

async function postError(urlPath, doc) {
  const body = JSON.stringify(doc);
  await request("POST", urlPath, body, { "Lambda-Runtime-Function-Error-Type": doc.errorType });
}

async function loadHandler(spec) {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = (spec || "").lastIndexOf(".");
  if (dot <= 0 || dot === spec.length - 1) {
    throw { doc: { errorType: "Runtime.MalformedHandlerName", errorMessage: "Bad handler", trace: [] } };
  }
  const modulePath = spec.slice(0, dot);
  const functionPath = spec.slice(dot + 1);
  const base = path.resolve(root, modulePath);
  let mod;
  try {
    const candidates = [".js", ".mjs", ".cjs"].map((ext) => base + ext).filter((f) => fs.existsSync(f));
    if (candidates.length === 0) {
      // a bare name may be a package in node_modules or on NODE_PATH (layers)
      mod = require(modulePath);
    } else if (candidates[0].endsWith(".mjs")) {
      mod = await import(pathToFileURL(candidates[0]).href);
    } else {
      try {
        mod = require(candidates[0]);
      } catch (err) {
        if (err && (err.code === "ERR_REQUIRE_ESM" || err instanceof SyntaxError && /import|export/.test(err.message))) {
          mod = await import(pathToFileURL(candidates[0]).href);
        } else {
          throw err;
        }
      }
    }
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw { doc: errorDoc(err, "Runtime.UserCodeSyntaxError") };
    }
    if (err && err.code === "MODULE_NOT_FOUND") {
      const doc = errorDoc(err, "Runtime.ImportModuleError");
      doc.errorMessage = "Error: Cannot find module '" + path.basename(modulePath) + "'";
      throw { doc };
    }
    throw { doc: errorDoc(err) };
  }
  let handler = mod;
  for (const part of functionPath.split(".")) {
    handler = handler == null ? undefined : handler[part];
  }
  if (handler === undefined && mod && mod.default) {
    handler = mod.default[functionPath];
  }
  if (typeof handler !== "function") {
    throw { doc: { errorType: "Runtime.HandlerNotFound", errorMessage: path.basename(modulePath) + "." + functionPath + " is undefined or not exported", trace: [] } };
  }
  return handler;
}

function parseHeader(value) {
  if (!value) return undefined;
  try { return JSON.parse(value); } catch (e) { return undefined; }
}

function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    context.done = done;
    context.succeed = (result) => done(null, result);
    context.fail = (err) => done(err === undefined || err === null ? "handled" : err);
    let returned;
    try {
      returned = handler(event, context, done);
    } catch (err) {
      done(err);
      return;
    }
    if (returned && typeof returned.then === "function") {
      returned.then((result) => done(null, result), (err) => done(err === undefined ? new Error("undefined") : err));
    } else if (handler.length < 3) {
      done(null, returned);
    }
  });
}

async function serve(handler) {
  for (;;) {
    const next = await request("GET", "/invocation/next");
    const h = next.headers;
    const requestId = h["lambda-runtime-aws-request-id"];
    const deadline = Number(h["lambda-runtime-deadline-ms"] || 0);
    if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
    else delete process.env._X_AMZN_TRACE_ID;
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseHeader(h["lambda-runtime-client-context"]),
      identity: parseHeader(h["lambda-runtime-cognito-identity"]),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let event;
    try {
      event = next.body.length ? JSON.parse(next.body.toString("utf8")) : undefined;
    } catch (err) {
      await postError("/invocation/" + requestId + "/error", errorDoc(err, "Runtime.UnmarshalError"));
      continue;
    }
    let result;
    try {
      result = await runHandler(handler, event, context);
    } catch (err) {
      const doc = errorDoc(err);
      console.error("Invoke Error \t" + JSON.stringify(doc));
      await postError("/invocation/" + requestId + "/error", doc);
      continue;
    }
    let body;
    try {
      body = result === undefined ? "null" : JSON.stringify(result);
    } catch (err) {
      await postError("/invocation/" + requestId + "/error", errorDoc(err, "Runtime.MarshalError"));
      continue;
    }
    await request("POST", "/invocation/" + requestId + "/response", body);
  }
}

async function main() {
  let handler;
  try {
    handler = await loadHandler(process.env._HANDLER);
  } catch (failure) {
    const doc = failure && failure.doc ? failure.doc : errorDoc(failure);
    console.error(doc.errorType + ": " + doc.errorMessage);
    await postError("/init/error", doc);
    process.exit(1);
  }
  await serve(handler);
}

process.on("unhandledRejection", (reason) => {
  console.error("Unhandled Promise Rejection", reason);
  process.exit(128);
});

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
