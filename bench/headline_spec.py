"""The headline figures both dataframe scripts compute from a Formspree export.

Columns of surveys/exit-interview.yaml, and the JSON both scripts print
(sorted keys) so that bench/report.sh can check that they agree:
respondents; per-question answered counts; per-value counts of every
choice, multi (split on ", "), scale, matrix row and nps question; means of
scales, matrix rows and enps; eNPS (% promoters 9-10 minus % detractors
0-6) overall, per department, per tenure and per Europe/Oslo quarter.
"""

import json

CHOICE = ["reason", "come_back", "department", "tenure"]
MULTI = ["factors"]
NUMERIC = [
    "manager_rating", "workload", "role_clarity", "growth_rating", "pay_fair",
    "culture__respect", "culture__speak_up", "culture__collaboration",
    "culture__inclusion", "culture__trust_leaders", "enps",
]
TEXT = ["reason_other", "manager_detail", "stay", "comments"]
SEGMENTS = ["department", "tenure"]
ALL = CHOICE + MULTI + NUMERIC + TEXT


def enps(promoters: int, detractors: int, n: int) -> float:
    return round(100.0 * (promoters - detractors) / n, 2) if n else 0.0


def emit(figures: dict) -> None:
    print(json.dumps(figures, sort_keys=True, separators=(",", ":")))
