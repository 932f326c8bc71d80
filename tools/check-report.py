#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Validates capsim JSON reports against docs/report.schema.json:
#   tools/check-report.py r.json [more.json ...]
# Exit 0 when every report is valid, 1 with the first error of each that
# is not, 77 when python3-jsonschema is not installed (a test's skip).
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("check-report: python3-jsonschema not installed "
          "(tools/deps.sh test installs it)", file=sys.stderr)
    sys.exit(77)

here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "..", "docs", "report.schema.json")))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
bad = 0
for path in sys.argv[1:]:
    errors = sorted(validator.iter_errors(json.load(open(path))),
                    key=lambda e: list(e.path))
    for e in errors[:5]:
        where = "/".join(str(p) for p in e.path) or "(top)"
        print("%s: %s: %s" % (path, where, e.message), file=sys.stderr)
    bad += bool(errors)
sys.exit(1 if bad else 0)
