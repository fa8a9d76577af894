#!/usr/bin/env python3
"""Headline figures of a Formspree export with polars (see headline_spec)."""

import sys

import polars as pl

from headline_spec import CHOICE, MULTI, NUMERIC, SEGMENTS, TEXT, emit

P = pl.col("enps")
ENPS = pl.when(P.count() > 0).then(
    (100.0 * ((P >= 9).sum().cast(pl.Int64) - (P <= 6).sum().cast(pl.Int64)) / P.count()).round(2)
).otherwise(0.0)


def grouped(df: pl.DataFrame, key: str) -> dict:
    g = df.filter(pl.col(key).is_not_null()).group_by(key).agg(ENPS.alias("e"))
    return {k: float(e) for k, e in g.iter_rows()}


def main(path: str) -> None:
    schema = {c: pl.String for c in CHOICE + MULTI + TEXT + ["date"]}
    schema.update({c: pl.Int64 for c in NUMERIC})
    df = pl.read_csv(path, columns=list(schema), schema_overrides=schema)
    out = {"respondents": df.height, "answered": {}, "counts": {}, "means": {}}
    answered = df.select([pl.col(c).is_not_null().sum() for c in schema if c != "date"])
    out["answered"] = {k: int(v[0]) for k, v in answered.to_dict(as_series=False).items()}
    for c in CHOICE + NUMERIC:
        vc = df.get_column(c).drop_nulls().value_counts()
        out["counts"][c] = {str(k): int(v) for k, v in vc.iter_rows()}
    for c in MULTI:
        vc = df.get_column(c).drop_nulls().str.split(", ").explode().value_counts()
        out["counts"][c] = {str(k): int(v) for k, v in vc.iter_rows()}
    means = df.select([pl.col(c).mean() for c in NUMERIC]).row(0)
    out["means"] = {c: round(float(m), 4) for c, m in zip(NUMERIC, means)}
    out["enps"] = float(df.select(ENPS).item())
    for seg in SEGMENTS:
        out[f"enps_by_{seg}"] = grouped(df, seg)
    local = (
        pl.col("date").str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S")
        .dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/Oslo")
    )
    period = local.dt.year().cast(pl.String) + "-Q" + local.dt.quarter().cast(pl.String)
    out["enps_by_period"] = grouped(df.with_columns(period.alias("period")), "period")
    emit(out)


if __name__ == "__main__":
    main(sys.argv[1])
