// SPDX-License-Identifier: MIT
// Validates Kubernetes manifests offline against the API's JSON schemas
// (bundled in the kubernetes-models package): every document of every
// file given; prints each error with its file, document and path; exits
// 1 when any document is invalid or of a kind it does not know.
"use strict";
const fs = require("fs");
const YAML = require("yaml");

const kinds = {
  "v1/PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
  "v1/Pod": "kubernetes-models/v1/Pod",
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "batch/v1/Job": "kubernetes-models/batch/v1/Job",
};

let bad = 0, n = 0;
for (const file of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  docs.forEach((d, i) => {
    const where = `${file}: document ${i + 1}`;
    if (d.errors.length) {
      console.error(`${where}: YAML: ${d.errors[0].message}`);
      bad++;
      return;
    }
    const obj = d.toJS();
    if (obj == null) return;
    const key = `${obj.apiVersion}/${obj.kind}`;
    const mod = kinds[key];
    if (!mod) {
      console.error(`${where}: no schema here for ${key}`);
      bad++;
      return;
    }
    const cls = require(mod)[obj.kind];
    try {
      new cls(obj).validate();
      n++;
    } catch (e) {
      const errs = e.errors || [{ instancePath: "", message: e.message }];
      for (const x of errs)
        console.error(`${where} (${key} ${obj.metadata && obj.metadata.name}): ` +
          `${x.instancePath || x.dataPath || "/"} ${x.message}`);
      bad++;
    }
  });
}
if (bad) process.exit(1);
console.log(`k8s-validate: ${n} documents valid`);
