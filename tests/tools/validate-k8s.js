#!/usr/bin/env node
// Validates Kubernetes objects against the upstream JSON schemas shipped in npm
// `kubernetes-models` and `@kubernetes-models/cert-manager`, for the API-server emulator.
// One long-lived process: one JSON request per stdin line, one JSON answer per stdout line.
//   request:  {"id": 1, "apiVersion": "apps/v1", "kind": "StatefulSet", "object": {...}}
//   answer:   {"id": 1, "known": true, "errors": [{"path": "/spec/...", "keyword": "type", "message": "must be integer", "params": {...}}]}
// "known": false means no upstream model exists for that apiVersion/kind (the caller decides what that means).
// Usage: node validate-k8s.js <tests/peers directory>
'use strict';
const path = require('path');
const readline = require('readline');
const { createRequire } = require('module');

const peers = path.resolve(process.argv[2] || path.join(__dirname, '..', 'peers'));
const requirePeer = createRequire(path.join(peers, 'package.json'));
const models = new Map();

function candidates(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return [`kubernetes-models/${version}/${kind}`];
  if (group.endsWith('cert-manager.io')) return [`@kubernetes-models/cert-manager/${group}/${version}/${kind}`];
  return [`kubernetes-models/${group}/${version}/${kind}`];
}

function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    let model = null;
    for (const name of candidates(apiVersion, kind)) {
      try {
        const mod = requirePeer(name);
        model = mod[kind] || null;
        if (model) break;
      } catch (e) {
        if (e.code !== 'MODULE_NOT_FOUND' && e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
      }
    }
    models.set(key, model);
  }
  return models.get(key);
}

function validate(request) {
  const Model = modelFor(String(request.apiVersion || ''), String(request.kind || ''));
  if (!Model) return { id: request.id, known: false, errors: [] };
  try {
    new Model(request.object).validate();
    return { id: request.id, known: true, errors: [] };
  } catch (e) {
    const errors = (e.errors || [{ instancePath: '', keyword: 'unknown', message: String(e.message), params: {} }])
      .map(x => ({ path: x.instancePath || '', keyword: x.keyword, message: x.message, params: x.params || {} }));
    return { id: request.id, known: true, errors };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on('line', line => {
  if (!line.trim()) return;
  let answer;
  try {
    answer = validate(JSON.parse(line));
  } catch (e) {
    answer = { id: null, known: false, errors: [], failure: String(e && e.message) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
lines.on('close', () => process.exit(0));
