#!/usr/bin/env node
// Generic mTLS gRPC client built on @grpc/grpc-js and @grpc/proto-loader (from
// tests/peers/node_modules), for interop tests. Same arguments and output as
// grpc_client.py: the JSON response (one line per message for server-streaming
// methods) or `status=<CODE> message=<detail>`; exit 0 in both cases, non-zero
// only when the client itself cannot run.
//
//   node grpc_client.js --proto core/Protos/grpc/health/v1/health.proto --proto-root core/Protos \
//     --service grpc.health.v1.Health --method Check --request '{"service": ""}' \
//     --ca ca.crt --cert tls.crt --key tls.key --target 127.0.0.1:5001 --server-name localhost
'use strict';
const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');

const peers = path.join(__dirname, '..', 'peers', 'node_modules');
const grpc = require(path.join(peers, '@grpc', 'grpc-js'));
const protoLoader = require(path.join(peers, '@grpc', 'proto-loader'));

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values: args } = parseArgs({
  options: {
    proto: { type: 'string' }, 'proto-root': { type: 'string' }, service: { type: 'string' },
    method: { type: 'string' }, request: { type: 'string', default: '{}' }, ca: { type: 'string' },
    cert: { type: 'string' }, key: { type: 'string' }, target: { type: 'string' },
    'server-name': { type: 'string' }, timeout: { type: 'string', default: '10' },
  },
});
for (const required of ['proto', 'service', 'method', 'ca', 'cert', 'key', 'target']) {
  if (!args[required]) fail(`--${required} is required`);
}

const root = path.resolve(args['proto-root'] || path.dirname(args.proto));
// keepCase + string enums/longs/bytes: the proto3 JSON shape grpc_client.py prints, field names as in the .proto.
const definition = protoLoader.loadSync(path.relative(root, path.resolve(args.proto)), {
  includeDirs: [root], keepCase: true, longs: String, enums: String, bytes: String, defaults: true,
});
const service = definition[args.service];
if (!service || typeof service !== 'object' || !service[args.method]) fail(`${args.service}/${args.method} is not defined in ${args.proto}`);
const method = service[args.method];
if (method.requestStream) fail(`${args.service}/${args.method} is client-streaming; this client does unary and server-streaming only`);

let request;
try {
  request = JSON.parse(args.request);
} catch (e) {
  fail(`--request is not JSON: ${e.message}`);
}

const credentials = grpc.credentials.createSsl(
  fs.readFileSync(args.ca), fs.readFileSync(args.key), fs.readFileSync(args.cert));
const options = {};
if (args['server-name']) {
  options['grpc.ssl_target_name_override'] = args['server-name'];
  options['grpc.default_authority'] = args['server-name'];
}
const client = new grpc.Client(args.target, credentials, options);
const deadline = new Date(Date.now() + Number(args.timeout) * 1000);
const print = (message) => process.stdout.write(`${JSON.stringify(sortKeys(message))}\n`);
const printError = (e) => process.stdout.write(`status=${grpc.status[e.code]} message=${e.details}\n`);

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}

const serialize = (message) => method.requestSerialize(message);
const deserialize = (bytes) => method.responseDeserialize(bytes);
if (method.responseStream) {
  const call = client.makeServerStreamRequest(method.path, serialize, deserialize, request, new grpc.Metadata(), { deadline });
  call.on('data', print);
  call.on('error', (e) => { printError(e); client.close(); });
  call.on('end', () => client.close());
} else {
  client.makeUnaryRequest(method.path, serialize, deserialize, request, new grpc.Metadata(), { deadline }, (e, response) => {
    if (e) printError(e); else print(response);
    client.close();
  });
}
