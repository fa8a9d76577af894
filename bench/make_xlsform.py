#!/usr/bin/env python3
"""Write an XLSForm equivalent to a farvel survey YAML (for pyxform).

Reads surveys/exit-interview.yaml (or the given file) and writes an .xlsx
with `survey`, `choices` and `settings` sheets carrying the same questions,
options, hints, required flags, the show_if condition (as `relevant`), the
multi's `max` and `none` (as constraints), "other" (an extra text field),
the sections (groups), the intros and the thank-you text, in every language
(`label::nb`, `label::en`, ...). A matrix becomes a field-list group with a
label row and one list-nolabel row per statement (the usual XLSForm grid).

Prints how many survey rows it wrote (groups and notes included, end_group
rows excluded) so the benchmark can state what it compares against.
"""

import argparse
import re
import sys

import yaml
from openpyxl import Workbook

# Labels of the named agree5 scale, as farvel's default scale texts.
AGREE5 = {
    "nb": ["Helt uenig", "Litt uenig", "Verken enig eller uenig", "Litt enig", "Helt enig"],
    "en": ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
}
OTHER = {"nb": "Annet", "en": "Other"}
NONE = {"nb": "Ingen av disse", "en": "None of these"}


def relevant(expr: str) -> str:
    """The conditions this survey uses: `q == 'v'`, `'v' in q`, `or`, `and`."""
    expr = re.sub(r"(\w+) == '([^']*)'", r"${\1} = '\2'", expr)
    expr = re.sub(r"'([^']*)' in (\w+)", r"selected(${\2}, '\1')", expr)
    return expr


class Sheets:
    def __init__(self, langs):
        self.langs = langs
        self.survey_cols = (
            ["type", "name"]
            + [f"label::{l}" for l in langs]
            + [f"hint::{l}" for l in langs]
            + ["required", "relevant", "constraint", "appearance"]
        )
        self.survey, self.choices, self.lists = [], [], set()

    def row(self, type_, name, label=None, hint=None, **kw):
        r = {"type": type_, "name": name}
        for l in self.langs:
            if label:
                r[f"label::{l}"] = label.get(l, "").strip()
            if hint:
                r[f"hint::{l}"] = hint.get(l, "").strip()
        r.update(kw)
        self.survey.append(r)

    def choice_list(self, name, options):
        """options: [(value, {lang: label})]; written once per list name."""
        if name in self.lists:
            return
        self.lists.add(name)
        for value, label in options:
            r = {"list_name": name, "name": str(value)}
            r.update({f"label::{l}": label.get(l, str(value)) for l in self.langs})
            self.choices.append(r)


def options_of(q):
    return [(v, t) for v, t in q.get("options", {}).items()]


def scale_options(q):
    lo, hi = q.get("range", [1, 5])
    labels = {int(k): v for k, v in (q.get("labels") or {}).items()}
    return [(n, labels.get(n, {})) for n in range(lo, hi + 1)]


def add_question(s: Sheets, q: dict) -> None:
    qid, kind = q["id"], q["type"]
    common = {"label": q.get("text"), "hint": q.get("hint")}
    extra = {}
    if q.get("required"):
        extra["required"] = "yes"
    if q.get("show_if"):
        extra["relevant"] = relevant(q["show_if"])
    if kind in ("choice", "multi"):
        opts = options_of(q)
        if q.get("other"):
            opts.append(("other", OTHER))
        if q.get("none"):
            opts.append(("none", NONE))
        s.choice_list(qid, opts)
        if kind == "multi":
            rules = []
            if q.get("max"):
                rules.append(f"count-selected(.) <= {q['max']}")
            if q.get("none"):
                rules.append("not(selected(., 'none') and count-selected(.) > 1)")
            if rules:
                extra["constraint"] = " and ".join(rules)
        s.row(("select_one " if kind == "choice" else "select_multiple ") + qid, qid, **common, **extra)
        if q.get("other"):
            s.row("text", f"{qid}_other", label=OTHER, relevant=f"${{{qid}}} = 'other'")
    elif kind == "text":
        s.row("text", qid, **common, **extra, **({"appearance": "multiline"} if q.get("multiline") else {}))
    elif kind == "scale":
        s.choice_list(f"{qid}_scale", scale_options(q))
        s.row(f"select_one {qid}_scale", qid, **common, appearance="likert", **extra)
    elif kind == "nps":
        s.choice_list("nps", [(n, {}) for n in range(0, 11)])
        s.row("select_one nps", qid, **common, appearance="likert", **extra)
    elif kind == "matrix":
        s.choice_list("agree5", [(n + 1, {l: AGREE5[l][n] for l in AGREE5}) for n in range(5)])
        s.row("begin_group", qid, appearance="field-list", **extra)
        s.row("select_one agree5", f"{qid}_header", **common, appearance="label")
        for row, text in q["rows"].items():
            s.row("select_one agree5", f"{qid}__{row}", label=text, appearance="list-nolabel")
        s.row("end_group", "")
    elif kind == "info":
        s.row("note", qid, **common)
    else:
        raise SystemExit(f"make_xlsform: no XLSForm mapping for type {kind!r}")


def build(doc: dict) -> Sheets:
    s = Sheets(doc["languages"])
    s.row("note", "intro", label=doc.get("intro"))
    for i, sec in enumerate(doc["sections"], 1):
        s.row("begin_group", f"section_{i}", label=sec.get("title"))
        if sec.get("intro"):
            s.row("note", f"section_{i}_intro", label=sec["intro"])
        for q in sec["questions"]:
            add_question(s, q)
        s.row("end_group", "")
    s.row("note", "thanks", label=doc.get("thanks"))
    return s


def write(s: Sheets, doc: dict, path: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(s.survey_cols)
    for r in s.survey:
        ws.append([r.get(c, "") for c in s.survey_cols])
    ch = wb.create_sheet("choices")
    ccols = ["list_name", "name"] + [f"label::{l}" for l in s.langs]
    ch.append(ccols)
    for r in s.choices:
        ch.append([r.get(c, "") for c in ccols])
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "default_language", "version"])
    st.append([doc["title"][s.langs[0]], doc["id"].replace("-", "_"), s.langs[0], "1"])
    wb.save(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("survey")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(args.survey, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    s = build(doc)
    write(s, doc, args.out)
    rows = [r for r in s.survey if r["type"] != "end_group"]
    groups = sum(1 for r in rows if r["type"] == "begin_group")
    print(f"{len(rows)} survey rows ({len(rows) - groups} questions and notes, {groups} groups), "
          f"{len(s.choices)} choices, languages {', '.join(s.langs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
