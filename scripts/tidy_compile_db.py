#!/usr/bin/env python3
"""Writes the compile database scripts/tidy.sh runs clang-tidy with.

Usage: tidy_compile_db.py ROOT BUILD/compile_commands.json OUT_DIR

OUT_DIR/compile_commands.json gets
  - the entries of ROOT/src/**.cpp, without what only GCC understands: the precompiled-header include
    (clang cannot read GCC's .gch);
  - one entry for the module interface headers (src/modules/<m>/include/**.hpp
    and .../wiring/**.hpp). bugprone-easily-swappable-parameters looks at function definitions only,
    and an interface header holds declarations (pure virtual functions, factories), so what is
    checked is a copy of each in OUT_DIR/headers/<path> in which every function declaration of two or
    more parameters is marked `= delete`: a definition to clang, with each parameter where it was.
    One generated header, OUT_DIR/headers/interface_headers.hpp, includes all the copies and is
    parsed once with the flags of src/app (which sees every module's include/ and wiring/), the
    copies' folders first on the include path: one parse however many modules there are.
"""
import glob
import json
import os
import re
import shlex
import sys

KEYWORDS = {"alignas", "decltype", "noexcept", "sizeof", "static_assert", "requires", "return",
            "__attribute__", "if", "while", "for", "switch"}
# What may follow a declaration's parameter list before its ';'.
TRAILER = re.compile(r"\)\s*((const|volatile|noexcept(\s*\([^()]*\))?|override|final|&&|&)\s*)*"
                     r"(->\s*[\w:<>, *&]+)?(=\s*0\s*)?$")


def without_pch(args):
    kept, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
        elif a == "-include" and i + 1 < len(args) and "cmake_pch" in args[i + 1]:
            skip = True
        elif a not in ("-Winvalid-pch", "-fpch-preprocess"):
            kept.append(a)
    return kept


def blank_comments_and_strings(text):
    """Same length and line breaks, so offsets and line numbers stay those of the original."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def is_swappable_declaration(body, classes):
    """True for `R name(A a, B b) const = 0` and the like: a function declaration with 2+ parameters."""
    if re.match(r"(using|typedef|friend|template\s*<[^;]*>\s*friend)\b", body):
        return False
    trailer = TRAILER.search(body)
    if not trailer:
        return False
    # The parameter list: the first '(' outside brackets that follows a name.
    level, open_at = 0, None
    for j, c in enumerate(body):
        if c == "(" and level == 0:
            name = re.search(r"(~?\w+|operator\s*\S+)\s*$", body[:j])
            if name and name.group(1) not in KEYWORDS:
                open_at = j
                break
        level += c in "([{<"
        level -= c in ")]}>"
    if open_at is None:
        return False
    words = re.findall(r"\w+", body[:open_at])
    constructor = bool(classes) and bool(words) and words[-1] == classes[-1]
    if len(words) < 2 and not constructor:
        return False  # a macro invoked at namespace scope
    outside_parens = re.sub(r"\([^()]*\)", "", body[:trailer.start() + 1]).replace("==", "")
    if "=" in outside_parens:
        return False  # a variable with an initialiser
    # Split at the commas between parameters, not those of template arguments.
    params = re.sub(r"<[^<>]*>", "", body[open_at + 1:trailer.start()]).split(",")
    # A literal (blanked strings leave nothing) is an argument: `const T x("a", 1)` is a variable.
    literal = re.compile(r"\s*([-+]?[0-9][\w.']*)?\s*")
    return len(params) >= 2 and not any(literal.fullmatch(p) for p in params)


def deleted_copy(text):
    code = blank_comments_and_strings(text)
    edits, start, depth, classes = [], 0, 0, []
    for i, c in enumerate(code):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth:
            continue
        elif c == "{":
            head = re.search(r"\b(class|struct)\s+(\w+)[^;]*$", code[start:i])
            classes.append(head.group(2) if head else None)
            start = i + 1
        elif c == "}":
            if classes:
                classes.pop()
            start = i + 1
        elif c == ";":
            body = re.sub(r"^\s*((public|protected|private)\s*:)?\s*", "", code[start:i])
            if is_swappable_declaration(body, classes):
                pure = re.search(r"=\s*0\s*$", code[start:i])
                edits.append((start + pure.start() if pure else i, i, "= delete" if pure else " = delete"))
            start = i + 1
    for at, end, replacement in reversed(edits):
        text = text[:at] + replacement + text[end:]
    return text


def main():
    root, source_db, out_dir = sys.argv[1:]
    out_dir = os.path.realpath(out_dir)
    src = os.path.join(root, "src") + os.sep
    entries = []
    for e in sorted(json.load(open(source_db)), key=lambda e: e["file"]):
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if not path.startswith(src):
            continue  # generated sources (embedded files) live in the build tree
        args = without_pch(e["arguments"] if "arguments" in e else shlex.split(e["command"]))
        entries.append({"directory": e["directory"], "file": path, "arguments": args})

    app = next(e for e in entries if e["file"].startswith(src + "app" + os.sep))
    args, skip = [], False
    for a in app["arguments"]:
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif a not in ("-c", "-MD", "-MMD") and a != app["file"] and os.path.normpath(
                os.path.join(app["directory"], a)) != app["file"]:
            args.append(a)
    copies_root = os.path.join(out_dir, "headers")
    copies, include_dirs = [], []
    for folder in sorted(glob.glob(f"{src}modules/*/include") + glob.glob(f"{src}modules/*/wiring")):
        include_dirs.append("-I" + os.path.join(copies_root, os.path.relpath(folder, root)))
        for header in sorted(glob.glob(f"{folder}/**/*.hpp", recursive=True)):
            copy = os.path.join(copies_root, os.path.relpath(header, root))
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            with open(header) as f:
                text = deleted_copy(f.read())
            with open(copy, "w") as f:
                f.write(text)
            copies.append(copy)
    umbrella = os.path.join(copies_root, "interface_headers.hpp")
    os.makedirs(copies_root, exist_ok=True)
    with open(umbrella, "w") as f:
        f.write("// Generated by scripts/tidy_compile_db.py.\n#pragma once\n")
        f.writelines(f'#include "{c}"\n' for c in copies)
    entries.append({"directory": app["directory"], "file": umbrella,
                    "arguments": [args[0]] + include_dirs + args[1:] + ["-x", "c++-header", umbrella]})

    with open(os.path.join(out_dir, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


if __name__ == "__main__":
    main()
