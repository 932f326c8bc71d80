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

// NetworkAttachmentDefinition (k8s.cni.cncf.io/v1) is a CRD of the
// Network Plumbing Working Group's multi-net spec, not in kubernetes-
// models: checked here by its CRD's schema (metadata, spec.config a
// string and nothing else) and its config parsed as a CNI network
// configuration (cniVersion, name, type; for macvlan a master interface)
function checkNad(obj) {
  const errs = [];
  const known = new Set(["apiVersion", "kind", "metadata", "spec"]);
  for (const k of Object.keys(obj))
    if (!known.has(k)) errs.push(`/${k} is not a field of the CRD`);
  const md = obj.metadata || {};
  if (typeof md.name !== "string" ||
      !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(md.name))
    errs.push("/metadata/name is not a DNS label");
  const spec = obj.spec;
  if (spec == null || typeof spec !== "object" || Array.isArray(spec)) {
    errs.push("/spec must be an object");
    return errs;
  }
  for (const k of Object.keys(spec))
    if (k !== "config") errs.push(`/spec/${k} is not a field of the CRD`);
  if (typeof spec.config !== "string") {
    errs.push("/spec/config must be a string");
    return errs;
  }
  let cni;
  try {
    cni = JSON.parse(spec.config);
  } catch (e) {
    errs.push(`/spec/config is not JSON: ${e.message}`);
    return errs;
  }
  if (typeof cni.cniVersion !== "string" || !/^\d+\.\d+\.\d+$/.test(cni.cniVersion))
    errs.push("/spec/config: cniVersion is not a version string");
  if (typeof cni.name !== "string" || cni.name === "")
    errs.push("/spec/config: no network name");
  if (typeof cni.type !== "string" && !Array.isArray(cni.plugins))
    errs.push("/spec/config: neither a plugin type nor a plugins list");
  if (cni.type === "macvlan") {
    if (typeof cni.master !== "string" || cni.master === "")
      errs.push("/spec/config: macvlan without a master interface");
    if (!["bridge", "private", "vepa", "passthru"].includes(cni.mode))
      errs.push("/spec/config: macvlan mode is not bridge, private, vepa or passthru");
    if (cni.ipam != null && typeof cni.ipam !== "object")
      errs.push("/spec/config: ipam is not an object");
  }
  return errs;
}

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
    if (key === "k8s.cni.cncf.io/v1/NetworkAttachmentDefinition") {
      const errs = checkNad(obj);
      for (const x of errs)
        console.error(`${where} (${key} ${obj.metadata && obj.metadata.name}): ${x}`);
      if (errs.length) bad++;
      else n++;
      return;
    }
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
