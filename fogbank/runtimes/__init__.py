"""Lambda execution environments without containers, and the Lambda Runtime API they speak.

An execution environment is one OS process (the Python or Node.js bootstrap shipped here, or a
``provided.*`` function's own ``bootstrap``) that pulls invocations from the Runtime API
(``GET /2018-06-01/runtime/invocation/next``) and posts results back.

Where the Runtime API listens: every environment gets its own loopback listener on an ephemeral
port, opened inside the fogbank process (``httpserver.py``), and ``AWS_LAMBDA_RUNTIME_API`` is
``127.0.0.1:<that port>``. AWS defines the variable as a bare ``host:port`` with the
``/2018-06-01/...`` paths directly under it, and the runtime interface clients AWS publishes
(Python, Node.js, Go, Rust, Java) parse it that way, so a path-prefix scheme on fogbank's own
port would break custom runtimes. A per-environment port also identifies the environment
without tokens: whatever arrives on that port belongs to that process.
"""
