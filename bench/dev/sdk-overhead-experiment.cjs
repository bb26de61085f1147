// An experiment, never for the product: takes out one of two per-call costs of the Temporal TS SDK's
// workflow sandbox, to measure what each costs a workflow task. Loaded into the worker's threads with
//   node --import tsx bench/dev/capacity.ts --worker-node-args=--require=./bench/dev/sdk-overhead-experiment.cjs \
//     --env=BENCH_NO_VM_TIMEOUT=1   (and/or BENCH_NO_PROMISE_HOOK=1)
// BENCH_NO_VM_TIMEOUT: the sandbox enters its vm context with `timeout` (deadlock detection), and Node
//   starts and joins a watchdog thread on every such call (~85 µs CPU, 0.4-0.6 ms wall on this box);
//   without it a workflow stuck in a loop would hang its thread: unsafe outside this experiment.
// BENCH_NO_PROMISE_HOOK: the sandbox captures a stack trace (and source-maps it) for every promise a
//   workflow makes, for the `__stack_trace` query; without it that query answers nothing.
'use strict';
const { isMainThread } = require('node:worker_threads');

if (!isMainThread && process.env.BENCH_NO_VM_TIMEOUT) {
  const vm = require('node:vm');
  const run = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function runInContext(context, options) {
    if (options && typeof options === 'object' && 'timeout' in options) {
      const { timeout: _timeout, ...rest } = options;
      return run.call(this, context, rest);
    }
    return run.call(this, context, options);
  };
}

if (!isMainThread && process.env.BENCH_NO_PROMISE_HOOK) {
  const v8 = require('node:v8');
  v8.promiseHooks.createHook = () => () => undefined;
}
