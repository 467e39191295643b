#!/usr/bin/python3
"""Converts a multi-document YAML file (the openspf SPF test suites) into one
JSON array of documents, so the C++ test reads it with Boost.JSON.

Usage: yaml_to_json.py INPUT.yml OUTPUT.json
Needs Debian's python3-yaml (run it with /usr/bin/python3).
"""
import json
import os
import sys

import yaml


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        # default=str: keep any YAML scalar (dates, numbers) as text.
        json.dump(docs, out, ensure_ascii=True, default=str)
    os.replace(tmp, sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
