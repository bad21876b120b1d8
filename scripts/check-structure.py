#!/usr/bin/env python3
"""The code's shape (issue #28): no import cycles between a crate's modules, and no
source file over MAX_LINES lines (a module's tests in their own `tests.rs` aside).

A module is a source file (`a/mod.rs` is `a`, `a/b.rs` is `a::b`). Each `crate::`,
`super::` and `self::` path in a file is an edge to the deepest module it names (so
`use crate::gateway::Gateway` is an edge to `gateway`, the module that holds or
re-exports it). A cycle is two or more modules reaching each other along these edges.
A module and the modules inside it are one unit (a folder's `mod.rs` and its files
may use each other: `impl Db` spread over `db/*.rs`), so edges between them are not
counted.
Test modules inside a file (`#[cfg(test)] mod tests`) are left out: they may use what
they test. Prints each cycle and each file too long, and exits 1 if there is one.

Usage: scripts/check-structure.py [SRC_DIR ...] (default: every crate's src/ here)
"""
import os
import re
import sys

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
CHILD = re.compile(r"\b([a-z_][a-z0-9_]*)::")
GROUP = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{")


def modules(src):
    found = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[0] == "bin":
                continue
            if rel[-1] == "mod" or (len(rel) == 1 and rel[0] in ("lib", "main")):
                rel = rel[:-1]
            found[tuple(rel)] = os.path.join(root, f)
    return found


def without_tests(text):
    cut = re.search(r"#\[cfg\(test\)\]\s*mod tests\b", text)
    text = text[: cut.start()] if cut else text
    # Comments name paths in prose (doc links); they are not imports.
    return re.sub(r"//[^\n]*", "", text)


def group_paths(text):
    """`use crate::a::{b, c::d}` as `crate::a::b`, `crate::a::c::d` (one level deep)."""
    for m in GROUP.finditer(text):
        depth, i, body = 1, m.end(), []
        while i < len(text) and depth:
            c = text[i]
            depth += c == "{"
            depth -= c == "}"
            if depth:
                body.append(c)
            i += 1
        inner = re.sub(r"\{[^{}]*\}", "", "".join(body))
        for item in inner.split(","):
            item = item.strip().split(" as ")[0].strip()
            if item and item not in ("self", "*"):
                yield m.group(1), m.group(2) + "::" + item.replace(" ", "")


def edges(mods):
    graph = {m: set() for m in mods}
    for mod, path in mods.items():
        text = without_tests(open(path, encoding="utf-8").read())
        is_dir_mod = path.endswith("mod.rs") or len(mod) == 0
        refs = [(m.group(1), m.group(2)) for m in PATH.finditer(text)]
        refs += list(group_paths(text))
        # A child module named without `self::` (`use wire::Details`, `ecom::new()`).
        for m in CHILD.finditer(text):
            if mod + (m.group(1),) in mods and text[max(0, m.start() - 2) : m.start()] != "::":
                refs.append(("self", "::" + m.group(1)))
        for head, tail in refs:
            parts = [p for p in tail.split("::") if p]
            if head == "crate":
                base = []
            else:
                # A file's own module is `mod`; `self` is it, `super` its parent.
                base = list(mod) if head == "self" else list(mod[:-1])
                while parts and parts[0] == "super":
                    base = base[:-1]
                    parts = parts[1:]
                if head == "self" and not is_dir_mod:
                    pass
            target = tuple(base)
            for p in parts:
                if target + (p,) in mods:
                    target = target + (p,)
                else:
                    break
            nested = target[: len(mod)] == mod or mod[: len(target)] == target
            if target in mods and not nested:
                graph[mod].add(target)
    return graph


def cycles(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


MAX_LINES = 600


def too_long(mods):
    for path in sorted(mods.values()):
        if os.path.basename(path) == "tests.rs":
            continue
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > MAX_LINES:
            yield path, n


def main(dirs):
    bad = 0
    for src in dirs:
        for path, n in too_long(modules(src)):
            bad += 1
            print(f"{path}: {n} lines (at most {MAX_LINES}: split it by concern)")
        mods = modules(src)
        graph = edges(mods)
        for comp in cycles(graph):
            bad += 1
            names = sorted("::".join(m) or "(root)" for m in comp)
            print(f"{src}: import cycle among {', '.join(names)}")
            for m in sorted(comp):
                inside = sorted("::".join(t) or "(root)" for t in graph[m] if t in comp)
                print(f"    {'::'.join(m) or '(root)'} -> {', '.join(inside)}")
    if bad:
        sys.exit(1)
    print(f"no import cycles and no file over {MAX_LINES} lines in {len(dirs)} crate(s)")


if __name__ == "__main__":
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    default = [os.path.join(here, "src")] + sorted(
        os.path.join(here, "crates", c, "src")
        for c in os.listdir(os.path.join(here, "crates"))
        if os.path.isdir(os.path.join(here, "crates", c, "src"))
    )
    main(sys.argv[1:] or default)
