#!/usr/bin/env python3
"""Fixed generated lines per crate: a generated lib.rs cut into regions, non-blank lines each.

    scripts/fixed-lines.py                      # the seed crates, generated/*/src/lib.rs
    scripts/fixed-lines.py path/to/lib.rs ...   # any generated crates

A line counts when it has text: blank lines and empty `//!` doc lines do not. Regions:

  header       the `// @generated` line and the crate attributes (`#![..]`)
  docs         the crate documentation (`//!`), example included
  description  `static PROVIDER`, the provider as data
  scopes       the scope values and the `Scope` enum (they grow with the spec, one per scope)
  surface      `Client`, `ClientBuilder`, flows, setters, `decode_error`
  frames       the shells of the operations and of the types: `impl Client { .. }` and
               `pub mod types { .. }` with its docs and re-export (counted with them)
  operations   the operation methods
  webhooks     `WebhookEvent` and its impls
  types        the items inside the types module

fixed = header + docs + description + surface: everything but operations, types, webhooks
(with their frames) and scopes; "+scopes" adds the scopes, which grow with the spec.
"""

import glob
import os
import sys

REGIONS = ["header", "docs", "description", "scopes", "surface", "frames",
           "operations", "webhooks", "types"]
FIXED = ["header", "docs", "description", "surface"]


def items(lines):
    """Top-level items: prettyplease starts each at column 0, with its docs and attributes."""
    current = []
    for line in lines:
        starts = (line[:1] not in ("", " ", "}", ")", "]")
                  and not (current and current[-1].startswith(("///", "#[")))
                  and not line.startswith("//!"))
        if line.startswith(("//!", "#![")) or (line.startswith("//") and not line.startswith("///")):
            if current:
                yield current
            yield [line]
            current = []
            continue
        if starts and current:
            yield current
            current = []
        current.append(line)
    if current:
        yield current


def head(item):
    """The item's first line past its docs and attributes."""
    for line in item:
        if not line.startswith(("///", "#[")):
            return line
    return item[-1]


def nonblank(lines):
    return sum(1 for l in lines if l.strip() and l.strip() != "//!")


def count(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    totals = dict.fromkeys(REGIONS, 0)
    for item in items(lines):
        first = head(item)
        n = nonblank(item)
        if first.startswith("//!"):
            totals["docs"] += n
        elif first.startswith(("//", "#![")):
            totals["header"] += n
        elif "PROVIDER" in first and first.startswith("static"):
            totals["description"] += n
        elif ("SCOPES" in first or "enum Scope" in first or "scopes!" in first
              or first.startswith("::provider_runtime::scope")):
            totals["scopes"] += n
        elif "WebhookEvent" in first:
            totals["webhooks"] += n
        elif first.startswith("impl Client {") and any("self.api" in l for l in item):
            # The operations: everything inside the impl but its shell.
            shell = [l for l in item if l.startswith(("#[", "impl ", "}"))]
            totals["frames"] += nonblank(shell)
            totals["operations"] += n - nonblank(shell)
        elif first.startswith("pub use self::types::*"):
            totals["frames"] += n
        elif first.startswith("pub mod types"):
            shell = [l for l in item if not l.startswith((" ", "\t")) and l.strip()]
            totals["frames"] += nonblank(shell)
            totals["types"] += n - nonblank(shell)
        else:
            totals["surface"] += n
    return totals


def main(paths):
    if not paths:
        paths = sorted(glob.glob("generated/*/src/lib.rs"))
    columns = REGIONS + ["fixed", "+scopes"]
    print("| crate | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for path in paths:
        totals = count(path)
        fixed = sum(totals[r] for r in FIXED)
        row = [totals[r] for r in REGIONS] + [fixed, fixed + totals["scopes"]]
        name = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(path))))
        print(f"| {name} | " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
