// Validates a generated CustomResourceDefinition against the upstream apiextensions.k8s.io/v1 schema
// (npm kubernetes-models), then validates sample objects against the CRD's own openAPIV3Schema (ajv, the
// validator kubernetes-models uses; x-kubernetes-* keywords are ignored, CEL rules are not evaluated).
// stdin: {"crd": {...}, "objects": [{"name": "...", "object": {...}}]}
// stdout: {"crdError": null | "...", "objects": [{"name": "...", "valid": true|false, "errors": "..."}]}
'use strict';
const { CustomResourceDefinition } = require('kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition');
const Ajv = require('ajv');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { crd, objects } = JSON.parse(input);
  let crdError = null;
  try {
    new CustomResourceDefinition(crd).validate();
  } catch (e) {
    crdError = e.message;
  }

  const results = [];
  const schema = crd.spec.versions[0].schema.openAPIV3Schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  for (const { name, object } of objects || []) {
    const valid = validate(object);
    results.push({ name, valid, errors: valid ? '' : ajv.errorsText(validate.errors) });
  }

  process.stdout.write(JSON.stringify({ crdError, objects: results }));
});
