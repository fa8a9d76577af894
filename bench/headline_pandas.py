#!/usr/bin/env python3
"""Headline figures of a Formspree export with pandas (see headline_spec)."""

import sys

import pandas as pd

from headline_spec import CHOICE, MULTI, NUMERIC, SEGMENTS, TEXT, emit, enps


def enps_of(scores: pd.Series) -> float:
    s = scores.dropna()
    return enps(int((s >= 9).sum()), int((s <= 6).sum()), len(s))


def main(path: str) -> None:
    dtypes = {c: "string" for c in CHOICE + MULTI + TEXT + ["date"]}
    dtypes.update({c: "float64" for c in NUMERIC})
    df = pd.read_csv(path, dtype=dtypes, usecols=list(dtypes), keep_default_na=False,
                     na_values={c: [""] for c in NUMERIC})
    out = {"respondents": len(df), "answered": {}, "counts": {}, "means": {}}
    for c in CHOICE + MULTI + TEXT:
        out["answered"][c] = int((df[c] != "").sum())
    for c in NUMERIC:
        out["answered"][c] = int(df[c].notna().sum())
    for c in CHOICE:
        vc = df.loc[df[c] != "", c].value_counts()
        out["counts"][c] = {k: int(v) for k, v in vc.items()}
    for c in MULTI:
        vc = df[c].str.split(", ").explode()
        vc = vc[vc != ""].value_counts()
        out["counts"][c] = {k: int(v) for k, v in vc.items()}
    for c in NUMERIC:
        vc = df[c].dropna().astype("int64").value_counts()
        out["counts"][c] = {str(k): int(v) for k, v in vc.items()}
        out["means"][c] = round(float(df[c].mean()), 4)
    out["enps"] = enps_of(df["enps"])
    for seg in SEGMENTS:
        sub = df[df[seg] != ""]
        out[f"enps_by_{seg}"] = {k: enps_of(g) for k, g in sub.groupby(seg)["enps"]}
    ts = pd.to_datetime(df["date"].str.slice(0, 19), format="%Y-%m-%dT%H:%M:%S")
    local = ts.dt.tz_localize("UTC").dt.tz_convert("Europe/Oslo")
    period = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    out["enps_by_period"] = {k: enps_of(g) for k, g in df["enps"].groupby(period)}
    emit(out)


if __name__ == "__main__":
    main(sys.argv[1])
